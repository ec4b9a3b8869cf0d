// A year of listening: per listener, a heavy-tailed number of events split into
// sessions; each event replays a heard track or picks a genre, draws a small
// popularity-weighted candidate pool from it and keeps one by softmax of affinity.
// Listeners are independent random streams, so two threads split them and the result
// does not depend on the split.
#include <algorithm>
#include <cmath>
#include <thread>

#include "synth/music_internal.h"

namespace towerrec::music_detail {
namespace {

constexpr int kEventThreads = 2;

// What an event needs of a track, packed so the random accesses of candidate
// scoring touch two cache lines instead of the whole MusicTrack.
struct TrackTaste {
  std::array<float, kMusicLatentDim> latent;
  std::array<float, kAudioFeatureCount> audio;
  float quality;
  float seconds;
};

struct GenrePools {
  std::vector<TrackTaste> taste;              // per track
  std::vector<std::vector<int32_t>> members;  // track indices per genre
  std::vector<AliasTable> by_popularity;      // over members, per genre (empty when none)
  AliasTable global;                          // over all tracks
  AliasTable genre_share;
};

GenrePools build_pools(const MusicWorld& world) {
  GenrePools pools;
  pools.members.resize(world.genres.size());
  std::vector<double> all;
  for (size_t t = 0; t < world.tracks.size(); ++t) {
    const MusicTrack& track = world.tracks[t];
    pools.taste.push_back({track.latent, track.audio, track.quality, track.duration_ms / 1000.0f});
    for (int32_t g : world.tracks[t].genres) pools.members[g].push_back(static_cast<int32_t>(t));
    all.push_back(world.tracks[t].popularity_weight);
  }
  for (const auto& members : pools.members) {
    std::vector<double> weights;
    for (int32_t t : members) weights.push_back(world.tracks[t].popularity_weight);
    pools.by_popularity.push_back(members.empty() ? AliasTable() : AliasTable(weights));
  }
  pools.global = AliasTable(all);
  pools.genre_share = AliasTable(world.genre_share);
  return pools;
}

// Per-listener event counts: log-normal (heavy tail), rescaled so the total is close
// to users * events_per_user.
std::vector<int64_t> event_counts(const MusicWorld& world) {
  MusicRng rng = MusicRng::derive(world.options.seed, kStreamEventsBase - 1);
  const double mean = world.options.events_per_user;
  const double cap =
      std::max(2.0, std::min<double>(static_cast<double>(world.options.items), 40 * mean));
  std::vector<double> raw(world.listeners.size());
  double total = 0;
  for (auto& r : raw) {
    r = std::min(cap, std::exp(rng.normal(std::log(mean) - 0.5, 1.0)));
    total += r;
  }
  const double scale = mean * static_cast<double>(raw.size()) / total;
  std::vector<int64_t> counts;
  for (double r : raw)
    counts.push_back(static_cast<int64_t>(std::clamp(std::round(r * scale), 2.0, cap)));
  return counts;
}

int32_t pick_new_track(const MusicWorld& world, const GenrePools& pools, int32_t user,
                       const AliasTable& own_genres, MusicRng& rng) {
  const MusicListener& listener = world.listeners[user];
  const int32_t genre = static_cast<int32_t>(rng.bernoulli(listener.exploration)
                                                 ? pools.genre_share.sample(rng)
                                                 : listener.genre_prefs[own_genres.sample(rng)]);
  const auto& members = pools.members[genre];
  std::array<int32_t, kCandidatePool> pool;
  std::array<double, kCandidatePool> weight;
  // Draw the whole pool before scoring it, so the cache misses overlap.
  for (int c = 0; c < kCandidatePool; ++c) {
    pool[c] = members.empty() ? static_cast<int32_t>(pools.global.sample(rng))
                              : members[pools.by_popularity[genre].sample(rng)];
    __builtin_prefetch(&pools.taste[pool[c]]);
  }
  double total = 0;
  for (int c = 0; c < kCandidatePool; ++c) {
    const TrackTaste& taste = pools.taste[pool[c]];
    weight[c] =
        std::exp(kPickSharpness * affinity_of(listener.latent.data(), listener.audio_pref.data(),
                                              taste.latent.data(), taste.audio.data()));
    total += weight[c];
  }
  double target = rng.uniform() * total;
  for (int c = 0; c < kCandidatePool - 1; ++c) {
    target -= weight[c];
    if (target < 0) return pool[c];
  }
  return pool[kCandidatePool - 1];
}

void react(const MusicListener& listener, const TrackTaste& track, MusicEvent& event,
           MusicRng& rng) {
  const double affinity = affinity_of(listener.latent.data(), listener.audio_pref.data(),
                                      track.latent.data(), track.audio.data());
  const double score = affinity + 0.35 * track.quality + rng.normal(0, 0.6) - listener.pickiness;
  if (score > 1.3) {
    event.kind = EventKind::kLike;
    event.play_ratio = static_cast<float>(rng.uniform(0.85, 1.0));
  } else if (score > -0.1) {
    event.kind = EventKind::kPlay;
    event.play_ratio = static_cast<float>(rng.uniform(0.5, 1.0));
  } else if (score > -1.6) {
    event.kind = EventKind::kSkip;
    event.play_ratio = static_cast<float>(rng.uniform(0.02, 0.3));
  } else {
    event.kind = EventKind::kDislike;
    event.play_ratio = static_cast<float>(rng.uniform(0.0, 0.2));
  }
}

// Session sizes (each >= 1) summing to n.
std::vector<int64_t> session_sizes(int64_t n, MusicRng& rng) {
  const double mean_length = std::exp(rng.normal(std::log(7.0), 0.5));
  const int64_t sessions = std::clamp<int64_t>(std::llround(n / mean_length), 1, n);
  std::vector<int64_t> sizes(sessions, 1);
  for (int64_t e = sessions; e < n; ++e) ++sizes[rng.below(sessions)];
  return sizes;
}

void simulate_listener(const MusicWorld& world, const GenrePools& pools, int32_t user, int64_t n,
                       std::vector<MusicEvent>& out) {
  MusicRng rng = MusicRng::derive(world.options.seed, kStreamEventsBase + user);
  const MusicListener& listener = world.listeners[user];
  std::vector<double> rank_weights;
  for (size_t r = 0; r < listener.genre_prefs.size(); ++r)
    rank_weights.push_back(preference_weight(r));
  const AliasTable own_genres(rank_weights);
  const std::vector<int64_t> sizes = session_sizes(n, rng);
  const int64_t join_day = rng.bernoulli(0.4) ? rng.below(240) : 0;
  const double hour = rng.normal(19, 3), hour_sd = 0.5 + 5 * rng.uniform();
  std::vector<int64_t> days(sizes.size());
  for (auto& day : days) day = join_day + rng.below(365 - join_day);
  std::sort(days.begin(), days.end());
  std::vector<int32_t> heard;
  int64_t clock = 0;
  for (size_t s = 0; s < sizes.size(); ++s) {
    const double start_hour = std::fmod(std::fabs(rng.normal(hour, hour_sd)), 24.0);
    clock = std::max(clock + 1800,
                     kYearStart + days[s] * 86400 + static_cast<int64_t>(start_hour * 3600));
    for (int64_t e = 0; e < sizes[s]; ++e) {
      MusicEvent event;
      event.user = user;
      const bool replay = !heard.empty() && rng.bernoulli(listener.repeat);
      event.track = replay ? heard[rng.below(static_cast<int64_t>(heard.size()))]
                           : pick_new_track(world, pools, user, own_genres, rng);
      const TrackTaste& taste = pools.taste[event.track];
      react(listener, taste, event, rng);
      event.timestamp = clock;
      clock += static_cast<int64_t>(taste.seconds * event.play_ratio) + 1 + rng.below(20);
      heard.push_back(event.track);
      out.push_back(event);
    }
  }
}

}  // namespace

void simulate_events(MusicWorld& world) {
  const GenrePools pools = build_pools(world);
  const std::vector<int64_t> counts = event_counts(world);
  const int64_t users = static_cast<int64_t>(world.listeners.size());
  std::vector<std::vector<MusicEvent>> parts(kEventThreads);
  std::vector<std::thread> workers;
  for (int part = 0; part < kEventThreads; ++part) {
    workers.emplace_back([&, part] {
      const int64_t begin = users * part / kEventThreads, end = users * (part + 1) / kEventThreads;
      int64_t expected = 0;
      for (int64_t u = begin; u < end; ++u) expected += counts[u];
      parts[part].reserve(expected);
      for (int64_t u = begin; u < end; ++u) {
        simulate_listener(world, pools, static_cast<int32_t>(u), counts[u], parts[part]);
      }
    });
  }
  for (auto& worker : workers) worker.join();
  size_t total = 0;
  for (const auto& part : parts) total += part.size();
  world.events.reserve(total);
  for (auto& part : parts) {
    world.events.insert(world.events.end(), part.begin(), part.end());
    std::vector<MusicEvent>().swap(part);
  }
}

}  // namespace towerrec::music_detail
