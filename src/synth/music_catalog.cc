// The hidden taste space (genre and mood latents, genre audio prototypes) and the
// catalogue drawn from it: artists, then tracks with genres, moods, audio, popularity
// and rating columns.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "synth/music_internal.h"

namespace towerrec::music_detail {
namespace {

using Latent = std::array<float, kMusicLatentDim>;
using Audio = std::array<float, kAudioFeatureCount>;

Latent random_latent(MusicRng& rng, double scale) {
  Latent latent;
  const double sd = scale / std::sqrt(static_cast<double>(kMusicLatentDim));
  for (auto& x : latent) x = static_cast<float>(rng.normal(0, sd));
  return latent;
}

// a * wa + b * wb, in place into a.
void blend(Latent& a, double wa, const Latent& b, double wb) {
  for (int k = 0; k < kMusicLatentDim; ++k) a[k] = static_cast<float>(a[k] * wa + b[k] * wb);
}

Latent mean_latent(const std::vector<Latent>& table, const std::vector<int32_t>& members) {
  Latent mean{};
  for (int32_t m : members) blend(mean, 1.0, table[m], 1.0 / static_cast<double>(members.size()));
  return mean;
}

// Genres related to `primary` (close latents) are likelier companions.
std::vector<double> companion_weights(const MusicWorld& world, int32_t primary) {
  std::vector<double> weights(world.genres.size());
  for (size_t g = 0; g < weights.size(); ++g) {
    const double closeness = dot(world.genre_latent[g], world.genre_latent[primary]);
    weights[g] =
        static_cast<int32_t>(g) == primary ? 0 : world.genre_share[g] * std::exp(4 * closeness);
  }
  return weights;
}

struct ArtistDraft {
  std::vector<int32_t> secondary;
  double fame = 1;
  double productivity = 1;
};

std::vector<ArtistDraft> build_artists(MusicWorld& world, MusicRng& rng) {
  const int64_t count = std::max<int64_t>(1, world.options.items / 6);
  const AliasTable genre_draw(world.genre_share);
  std::unordered_set<std::string> taken;
  std::vector<ArtistDraft> drafts(count);
  world.artists.resize(count);
  for (int64_t a = 0; a < count; ++a) {
    MusicArtist& artist = world.artists[a];
    artist.name = make_artist_name(rng, taken);
    artist.primary_genre = static_cast<int32_t>(genre_draw.sample(rng));
    artist.latent = random_latent(rng, 0.7);
    blend(artist.latent, 1.0, world.genre_latent[artist.primary_genre], 0.7);
    drafts[a].secondary = sample_distinct(companion_weights(world, artist.primary_genre),
                                          static_cast<int>(rng.below(3)), rng);
    drafts[a].fame = rng.pareto(1.2);
    drafts[a].productivity = rng.pareto(1.5);
  }
  return drafts;
}

std::vector<int32_t> track_genres(const MusicWorld& world, const MusicArtist& artist,
                                  const ArtistDraft& draft, MusicRng& rng) {
  std::vector<int32_t> genres = {artist.primary_genre};
  for (int32_t g : draft.secondary) {
    if (rng.bernoulli(0.6)) genres.push_back(g);
  }
  if (rng.bernoulli(0.15)) {
    std::vector<double> weights = world.genre_share;
    for (int32_t g : genres) weights[g] = 0;
    for (int32_t g : sample_distinct(weights, 1, rng)) genres.push_back(g);
  }
  if (genres.size() > 5) genres.resize(5);
  return genres;
}

std::vector<int32_t> track_moods(const MusicWorld& world, int32_t primary_genre, MusicRng& rng) {
  std::vector<double> weights(world.moods.size());
  for (size_t m = 0; m < weights.size(); ++m) {
    weights[m] = std::exp(5 * dot(world.mood_latent[m], world.genre_latent[primary_genre]));
  }
  return sample_distinct(weights, 1 + static_cast<int>(rng.below(3)), rng);
}

Audio true_audio(const MusicWorld& world, const MusicTrack& track,
                 const std::vector<Audio>& mood_shift, MusicRng& rng) {
  Audio audio{};
  double total = 0;
  for (size_t i = 0; i < track.genres.size(); ++i) {
    const double w = i == 0 ? 2.0 : 1.0;
    total += w;
    for (int f = 0; f < kAudioFeatureCount; ++f)
      audio[f] += w * world.genre_audio[track.genres[i]][f];
  }
  for (int f = 0; f < kAudioFeatureCount; ++f) {
    double value = audio[f] / total;
    for (int32_t m : track.moods) value += mood_shift[m][f];
    if (f == kTempo) {
      audio[f] = static_cast<float>(std::clamp(value + rng.normal(0, 10), 50.0, 220.0));
    } else {
      audio[f] = static_cast<float>(std::clamp(value + rng.normal(0, 0.07), 0.01, 0.99));
    }
  }
  return audio;
}

// What the items file shows: exact and confident, predicted (noisy, less confident)
// or missing.
void observe_audio(MusicTrack& track, MusicRng& rng) {
  const double source = rng.uniform();
  track.audio_source = source < 0.7   ? AudioSource::kObserved
                       : source < 0.9 ? AudioSource::kPredicted
                                      : AudioSource::kMissing;
  for (int f = 0; f < kAudioFeatureCount; ++f) {
    const double range = f == kTempo ? 150.0 : 1.0;
    if (track.audio_source == AudioSource::kObserved) {
      track.confidence[f] = static_cast<float>(rng.uniform(0.9, 1.0));
      track.shown_audio[f] = track.audio[f];
    } else if (track.audio_source == AudioSource::kPredicted) {
      const double confidence = rng.uniform(0.3, 0.7);
      const double noisy = track.audio[f] + rng.normal(0, 0.4 * (1 - confidence) * range);
      track.confidence[f] = static_cast<float>(confidence);
      track.shown_audio[f] = static_cast<float>(f == kTempo ? std::clamp(noisy, 50.0, 220.0)
                                                            : std::clamp(noisy, 0.0, 1.0));
    } else {
      track.confidence[f] = 0;
      track.shown_audio[f] = std::nanf("");
    }
  }
}

void fill_metadata(MusicTrack& track, double fame, MusicRng& rng) {
  track.popularity_weight = std::pow(fame, 0.8) * rng.pareto(1.6);
  track.quality = static_cast<float>(rng.normal());
  const double q = track.quality;
  track.aoty_score = static_cast<float>(std::clamp(60 + 12 * q + rng.normal(0, 6), 0.0, 100.0));
  track.critic_score = static_cast<float>(std::clamp(65 + 10 * q + rng.normal(0, 10), 0.0, 100.0));
  track.avg_user_rating =
      static_cast<float>(std::clamp(3.3 + 0.5 * q + rng.normal(0, 0.3), 0.0, 5.0));
  track.num_ratings = static_cast<int32_t>(
      std::min(5e6, 3 * track.popularity_weight * std::exp(rng.normal(0, 0.5))));
  track.year = 2025 - static_cast<int32_t>(std::min(65.0, -12 * std::log(1 - rng.uniform())));
  track.duration_ms =
      static_cast<int32_t>(std::clamp(rng.normal(215000, 50000), 60000.0, 600000.0));
}

// popularity column: 1..100 percentile of the hidden popularity weight.
void assign_popularity(MusicWorld& world) {
  std::vector<int32_t> order(world.tracks.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    return world.tracks[a].popularity_weight < world.tracks[b].popularity_weight;
  });
  const double n = static_cast<double>(order.size());
  for (size_t rank = 0; rank < order.size(); ++rank) {
    world.tracks[order[rank]].popularity =
        1 + static_cast<int32_t>(99.0 * rank / std::max(1.0, n - 1));
  }
  world.genre_mass.assign(world.genres.size(), 0);
  for (const auto& track : world.tracks) {
    for (int32_t g : track.genres) world.genre_mass[g] += track.popularity_weight;
  }
}

}  // namespace

void build_taste(MusicWorld& world) {
  MusicRng rng = MusicRng::derive(world.options.seed, kStreamTaste);
  world.genres = genre_vocabulary();
  world.moods = mood_vocabulary();
  world.genders = gender_vocabulary();
  world.countries = country_vocabulary();
  for (size_t g = 0; g < world.genres.size(); ++g) {
    world.genre_latent.push_back(random_latent(rng, 1.0));
    Audio prototype;
    for (int f = 0; f < kTempo; ++f) prototype[f] = static_cast<float>(rng.uniform(0.1, 0.9));
    prototype[kTempo] = static_cast<float>(rng.uniform(70, 170));
    world.genre_audio.push_back(prototype);
    world.genre_share.push_back(1.0 / std::pow(1.0 + static_cast<double>(g), 0.7));
  }
  for (size_t m = 0; m < world.moods.size(); ++m)
    world.mood_latent.push_back(random_latent(rng, 1.0));
}

void build_catalog(MusicWorld& world) {
  MusicRng rng = MusicRng::derive(world.options.seed, kStreamCatalog);
  const std::vector<ArtistDraft> drafts = build_artists(world, rng);
  std::vector<Audio> mood_shift(world.moods.size());
  for (auto& shift : mood_shift) {
    for (int f = 0; f < kAudioFeatureCount; ++f)
      shift[f] = static_cast<float>(rng.normal(0, f == kTempo ? 6 : 0.06));
  }
  std::vector<double> productivity;
  for (const auto& draft : drafts) productivity.push_back(draft.productivity);
  const AliasTable artist_draw(productivity);
  world.tracks.resize(world.options.items);
  for (auto& track : world.tracks) {
    track.artist = static_cast<int32_t>(artist_draw.sample(rng));
    const MusicArtist& artist = world.artists[track.artist];
    track.title = make_title(rng);
    track.album = make_album(rng);
    track.genres = track_genres(world, artist, drafts[track.artist], rng);
    track.moods = track_moods(world, track.genres[0], rng);
    track.latent = random_latent(rng, 0.3);
    blend(track.latent, 1.0, mean_latent(world.genre_latent, track.genres), 0.45);
    blend(track.latent, 1.0, mean_latent(world.mood_latent, track.moods), 0.25);
    blend(track.latent, 1.0, artist.latent, 0.45);
    track.audio = true_audio(world, track, mood_shift, rng);
    observe_audio(track, rng);
    fill_metadata(track, drafts[track.artist].fame, rng);
  }
  assign_popularity(world);
}

}  // namespace towerrec::music_detail
