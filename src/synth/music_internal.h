// Internal steps of the music generator (see music_generator.h), one file each:
// vocabularies and names (music_names.cc), catalogue (music_catalog.cc), listeners
// (music_listeners.cc), events (music_events.cc), activity features
// (music_activity.cc) and the files (music_writer.cc).
#pragma once

#include <array>
#include <string>
#include <unordered_set>
#include <vector>

#include "synth/music_random.h"
#include "towerrec/music_generator.h"

namespace towerrec::music_detail {

// Index of tempo (beats per minute, not a [0, 1] share) among the audio features.
inline constexpr int kTempo = kAudioFeatureCount - 1;

// Random-stream ids, so each step draws from its own stream of the seed.
enum Stream : uint64_t {
  kStreamTaste = 1,
  kStreamCatalog = 2,
  kStreamListeners = 3,
  kStreamText = 4,
  kStreamEventsBase = 1000,  // + user index
};

// Softmax temperature of the pick among a genre's candidate pool.
inline constexpr double kPickSharpness = 1.6;
inline constexpr int kCandidatePool = 12;
// Unix time of 2025-01-01 00:00:00 UTC: the simulated year starts here.
inline constexpr int64_t kYearStart = 1735689600;

std::vector<std::string> genre_vocabulary();
std::vector<std::string> mood_vocabulary();
std::vector<std::string> gender_vocabulary();
std::vector<std::string> country_vocabulary();
std::vector<double> country_weights();
// Multiplier of a genre's share for a listener of the country and age.
double demographic_boost(const std::string& genre, const std::string& country, int age);

// Pronounceable names; unique among those already in `taken`.
std::string make_artist_name(MusicRng& rng, std::unordered_set<std::string>& taken);
std::string make_title(MusicRng& rng);
std::string make_album(MusicRng& rng);

// Weight of a declared genre preference by its rank (strongest first).
inline double preference_weight(size_t rank) { return 1.0 / (1.0 + static_cast<double>(rank)); }
// Probability that a listener picks a track of genre g on the next event.
double genre_probability(const MusicWorld& world, const MusicListener& listener, int32_t genre);

template <size_t N>
float dot(const std::array<float, N>& a, const std::array<float, N>& b) {
  float sum = 0;
  for (size_t i = 0; i < N; ++i) sum += a[i] * b[i];
  return sum;
}

// The hidden affinity (see MusicWorld::affinity): latent match minus the squared
// distance between preferred and true audio (tempo measured in 60 BPM units).
inline double affinity_of(const float* user_latent, const float* user_audio,
                          const float* track_latent, const float* track_audio) {
  float match = 0, distance = 0;
  for (int k = 0; k < kMusicLatentDim; ++k) match += user_latent[k] * track_latent[k];
  for (int f = 0; f < kAudioFeatureCount; ++f) {
    const float scale = f == kAudioFeatureCount - 1 ? 1.0f / 60.0f : 1.0f;
    const float diff = (user_audio[f] - track_audio[f]) * scale;
    distance += diff * diff;
  }
  return 3.0 * match - 2.0 * distance;
}

void build_taste(MusicWorld& world);
void build_catalog(MusicWorld& world);
void build_listeners(MusicWorld& world);
void simulate_events(MusicWorld& world);
void compute_activity(MusicWorld& world);

}  // namespace towerrec::music_detail
