#include "towerrec/music_generator.h"

#include <cmath>
#include <cstdio>

#include "synth/music_internal.h"
#include "towerrec/error.h"

namespace towerrec {

const std::array<const char*, kAudioFeatureCount> kAudioFeatureNames = {
    "energy",           "valence",  "danceability", "acousticness",
    "instrumentalness", "liveness", "speechiness",  "tempo"};

const char* audio_source_name(AudioSource source) {
  switch (source) {
    case AudioSource::kObserved:
      return "observed";
    case AudioSource::kPredicted:
      return "predicted";
    case AudioSource::kMissing:
      return "missing";
  }
  return "missing";
}

const char* event_kind_name(EventKind kind) {
  switch (kind) {
    case EventKind::kPlay:
      return "play";
    case EventKind::kSkip:
      return "skip";
    case EventKind::kLike:
      return "like";
    case EventKind::kDislike:
      return "dislike";
  }
  return "play";
}

int thumbs_for(EventKind kind) {
  switch (kind) {
    case EventKind::kPlay:
      return 1;
    case EventKind::kLike:
      return 2;
    case EventKind::kSkip:
    case EventKind::kDislike:
      return -1;
  }
  return -1;
}

void MusicGeneratorOptions::validate() const {
  check(users >= 1 && users <= 100000000,
        "generate music: --users must be in [1, 1e8], got " + std::to_string(users));
  check(items >= 1 && items <= 100000000,
        "generate music: --items must be in [1, 1e8], got " + std::to_string(items));
  check(events_per_user >= 2 && events_per_user <= 100000,
        "generate music: --events-per-user must be in [2, 100000], got " +
            std::to_string(events_per_user));
  // Events are held in memory (24 bytes each) before writing.
  check(static_cast<double>(users) * events_per_user <= 5e8,
        "generate music: --users x --events-per-user must be at most 5e8 events");
  check(text_dim >= 0 && text_dim <= 4096,
        "generate music: --text-dim must be in [0, 4096], got " + std::to_string(text_dim));
}

double MusicWorld::affinity(int32_t user, int32_t track) const {
  const MusicListener& listener = listeners[user];
  const MusicTrack& item = tracks[track];
  return music_detail::affinity_of(listener.latent.data(), listener.audio_pref.data(),
                                   item.latent.data(), item.audio.data());
}

double MusicWorld::log_preference(int32_t user, int32_t track) const {
  const MusicTrack& item = tracks[track];
  double genre_term = 0;
  for (int32_t g : item.genres) {
    genre_term += music_detail::genre_probability(*this, listeners[user], g) / genre_mass[g];
  }
  return std::log(genre_term * item.popularity_weight + 1e-300) +
         music_detail::kPickSharpness * affinity(user, track);
}

namespace {
std::string padded_id(char prefix, int64_t index) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%c%06lld", prefix, static_cast<long long>(index + 1));
  return buffer;
}
}  // namespace

std::string MusicWorld::user_id(int64_t index) { return padded_id('u', index); }
std::string MusicWorld::track_id(int64_t index) { return padded_id('t', index); }

MusicWorld generate_music_world(const MusicGeneratorOptions& options) {
  options.validate();
  MusicWorld world;
  world.options = options;
  music_detail::build_taste(world);
  music_detail::build_catalog(world);
  music_detail::build_listeners(world);
  music_detail::simulate_events(world);
  music_detail::compute_activity(world);
  return world;
}

}  // namespace towerrec
