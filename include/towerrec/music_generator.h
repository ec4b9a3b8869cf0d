// The synthetic music data set: a catalogue of tracks, a population of listeners and
// a year of listening events drawn from a hidden taste model, written as the CSV
// tables the music demo trains on (users.csv, items.csv, events.csv, optional
// item_text.f32 + item_text.ids, truth.json).
//
// The hidden model: genres, moods and artists own latent taste vectors and audio
// prototypes; a track's latent mixes its genres, moods and artist, a listener's latent
// mixes the declared genre and mood preferences. Affinity = latent dot product minus
// the distance between the listener's preferred audio profile and the track's true
// audio. A listener's event picks a genre (a declared one, or any genre when
// exploring), draws a small popularity-weighted candidate pool from that genre's alias
// table and keeps one candidate by softmax of affinity, so a pick costs O(pool) and
// never scores the whole catalogue. Whether the pick is liked, played, skipped or
// disliked depends on affinity, track quality and noise.
//
// Determinism: everything derives from options.seed through a self-contained
// generator (no std:: distributions), so a seed gives the same files byte for byte.
// Thread safety: generate_music_world and write_music_files are reentrant; a
// MusicWorld is immutable after generation and may be shared by const reference.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace towerrec {

struct MusicGeneratorOptions {
  int64_t users = 100000;
  int64_t items = 80000;
  double events_per_user = 30;  // mean; per-user counts are heavy-tailed
  uint64_t seed = 42;
  int64_t text_dim = 0;  // > 0 writes item_text.f32 / item_text.ids with D floats per item
  // Throws Error naming the offending option when a value is out of range.
  void validate() const;
};

inline constexpr int kMusicLatentDim = 16;
inline constexpr int kAudioFeatureCount = 8;
// Column names of the audio features, in storage order; tempo is in BPM, the rest in [0, 1].
extern const std::array<const char*, kAudioFeatureCount> kAudioFeatureNames;

enum class AudioSource : uint8_t { kObserved, kPredicted, kMissing };
const char* audio_source_name(AudioSource source);

enum class EventKind : uint8_t { kPlay, kSkip, kLike, kDislike };
const char* event_kind_name(EventKind kind);
// The thumbs scale: dislike and skip -> -1, play -> 1, like -> 2.
int thumbs_for(EventKind kind);

struct MusicArtist {
  std::string name;
  int32_t primary_genre = 0;
  std::array<float, kMusicLatentDim> latent{};
};

struct MusicTrack {
  std::string title;
  std::string album;
  int32_t artist = 0;
  std::vector<int32_t> genres;                          // 1..5 genre indices, primary first
  std::vector<int32_t> moods;                           // 1..3 mood indices
  std::array<float, kMusicLatentDim> latent{};          // hidden
  std::array<float, kAudioFeatureCount> audio{};        // hidden true audio (tempo in BPM)
  std::array<float, kAudioFeatureCount> shown_audio{};  // as written (noisy when predicted)
  std::array<float, kAudioFeatureCount> confidence{};   // 0 when missing
  AudioSource audio_source = AudioSource::kObserved;
  double popularity_weight = 1;  // hidden heavy-tailed draw weight
  float quality = 0;             // hidden, drives likes and rating columns
  int32_t popularity = 0;        // 0..100, percentile of popularity_weight
  float aoty_score = 0;          // 0..100
  int32_t num_ratings = 0;
  float avg_user_rating = 0;  // 0..5
  float critic_score = 0;     // 0..100
  int32_t year = 2000;
  int32_t duration_ms = 0;
};

// The 18 listening-activity features of a listener, computed from their events.
struct ListeningActivity {
  double total_sessions = 0, avg_session_length = 0, discovery_rate_per_active_week = 0;
  double exploration_score = 0, novelty_seeking = 0, repeat_rate = 0, skip_rate = 0;
  double genre_diversity = 0, temporal_consistency = 0, mainstream_score = 0;
  double early_adopter_score = 0, plays_per_day = 0, active_days = 0;
  double longest_streak_percentile = 0, session_density = 0, listening_intensity = 0;
  int user_type_explorer = 0, user_type_loyalist = 0;
  double monthly_hours = 0;
  int32_t top_genre = 0;
};

struct MusicListener {
  int32_t age = 30;
  int32_t gender = 0;                                  // index into MusicWorld::genders
  int32_t country = 0;                                 // index into MusicWorld::countries
  std::vector<int32_t> genre_prefs;                    // 1..5, strongest first
  std::vector<int32_t> mood_prefs;                     // 1..3
  std::array<float, kMusicLatentDim> latent{};         // hidden
  std::array<float, kAudioFeatureCount> audio_pref{};  // hidden, tempo in BPM
  float exploration = 0.1f;  // hidden probability of an off-preference genre
  float repeat = 0.1f;       // hidden probability of replaying a heard track
  float pickiness = 0;       // hidden shift of the like/skip thresholds
  ListeningActivity activity;
};

// One event; events of a user are contiguous and in time order.
struct MusicEvent {
  int32_t user = 0;
  int32_t track = 0;
  int64_t timestamp = 0;  // seconds since the epoch, within one year
  EventKind kind = EventKind::kPlay;
  float play_ratio = 0;
};

struct MusicWorld {
  MusicGeneratorOptions options;
  std::vector<std::string> genres, moods, genders, countries;
  std::vector<MusicArtist> artists;
  std::vector<MusicTrack> tracks;
  std::vector<MusicListener> listeners;
  std::vector<MusicEvent> events;
  // Hidden taste structure, per genre / mood.
  std::vector<std::array<float, kMusicLatentDim>> genre_latent, mood_latent;
  std::vector<std::array<float, kAudioFeatureCount>> genre_audio;
  std::vector<double> genre_share;  // how often a genre is declared or explored
  std::vector<double> genre_mass;   // sum of popularity_weight of the genre's tracks
  // REQUIRES for both: 0 <= user < listeners.size(), 0 <= track < tracks.size().
  // Hidden affinity of a listener for a track (higher = better match).
  double affinity(int32_t user, int32_t track) const;
  // Log of the (unnormalised) probability that the user's next pick is the track:
  // genre choice + popularity + affinity. The oracle ranking of the tests.
  double log_preference(int32_t user, int32_t track) const;
  static std::string user_id(int64_t index);   // "u000001"
  static std::string track_id(int64_t index);  // "t000001"
};

// Builds the whole world in memory (24 bytes per event plus a few hundred bytes per
// track and listener; the command peaks near 350 MB at 100k x 80k x 3M events).
// Throws Error on invalid options.
MusicWorld generate_music_world(const MusicGeneratorOptions& options);

// Writes users.csv, items.csv, events.csv, truth.json (and item_text.* when
// options.text_dim > 0) into dir, creating it if missing. Each file is written to a
// temporary name and renamed into place. Throws Error(kIo) naming the file on failure.
void write_music_files(const MusicWorld& world, const std::string& dir);

// The text vectors of write_music_files: [tracks x text_dim] row-major, unit length,
// correlated with genres, moods and artist.
std::vector<float> music_text_vectors(const MusicWorld& world);

}  // namespace towerrec
