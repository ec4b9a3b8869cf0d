// Listeners: demographics, declared genre and mood preferences, and the hidden taste
// (latent, audio profile, habits) that the declared preferences only partly reveal.
#include <algorithm>
#include <cmath>

#include "synth/music_internal.h"

namespace towerrec::music_detail {
namespace {

std::vector<int32_t> declared_genres(const MusicWorld& world, const MusicListener& listener,
                                     MusicRng& rng) {
  const std::string& country = world.countries[listener.country];
  std::vector<double> weights(world.genres.size());
  for (size_t g = 0; g < weights.size(); ++g) {
    weights[g] = world.genre_share[g] * demographic_boost(world.genres[g], country, listener.age);
  }
  const int count = 1 + static_cast<int>(std::min<int64_t>(4, rng.below(3) + rng.below(3)));
  std::vector<int32_t> prefs = sample_distinct(weights, 1, rng);
  // Further preferences lean towards genres close to the first (coherent tastes).
  for (size_t g = 0; g < weights.size(); ++g) {
    weights[g] *= std::exp(3 * dot(world.genre_latent[g], world.genre_latent[prefs[0]]));
  }
  weights[prefs[0]] = 0;
  for (int32_t g : sample_distinct(weights, count - 1, rng)) prefs.push_back(g);
  return prefs;
}

std::vector<int32_t> declared_moods(const MusicWorld& world, int32_t top_genre, MusicRng& rng) {
  std::vector<double> weights(world.moods.size());
  for (size_t m = 0; m < weights.size(); ++m) {
    weights[m] = std::exp(4 * dot(world.mood_latent[m], world.genre_latent[top_genre]));
  }
  return sample_distinct(weights, 1 + static_cast<int>(rng.below(3)), rng);
}

void hidden_taste(const MusicWorld& world, MusicListener& listener, MusicRng& rng) {
  const double noise_sd = 0.45 / std::sqrt(static_cast<double>(kMusicLatentDim));
  for (auto& x : listener.latent) x = static_cast<float>(rng.normal(0, noise_sd));
  double total = 0;
  for (size_t r = 0; r < listener.genre_prefs.size(); ++r) total += preference_weight(r);
  for (size_t r = 0; r < listener.genre_prefs.size(); ++r) {
    const double w = preference_weight(r) / total;
    const int32_t g = listener.genre_prefs[r];
    for (int k = 0; k < kMusicLatentDim; ++k)
      listener.latent[k] += static_cast<float>(0.7 * w * world.genre_latent[g][k]);
    for (int f = 0; f < kAudioFeatureCount; ++f)
      listener.audio_pref[f] += static_cast<float>(w * world.genre_audio[g][f]);
  }
  for (int32_t m : listener.mood_prefs) {
    const double w = 0.35 / static_cast<double>(listener.mood_prefs.size());
    for (int k = 0; k < kMusicLatentDim; ++k)
      listener.latent[k] += static_cast<float>(w * world.mood_latent[m][k]);
  }
  for (int f = 0; f < kAudioFeatureCount; ++f) {
    listener.audio_pref[f] += static_cast<float>(rng.normal(0, f == kTempo ? 12 : 0.1));
  }
  const double u = rng.uniform();
  listener.exploration = static_cast<float>(0.04 + 0.36 * u * u);
  const double v = rng.uniform();
  listener.repeat = static_cast<float>(0.02 + 0.33 * v * v);
  listener.pickiness = static_cast<float>(rng.normal(0, 0.35));
  listener.activity.user_type_explorer = listener.exploration > 0.2 ? 1 : 0;
  listener.activity.user_type_loyalist =
      listener.repeat > 0.18 && !listener.activity.user_type_explorer;
}

}  // namespace

void build_listeners(MusicWorld& world) {
  MusicRng rng = MusicRng::derive(world.options.seed, kStreamListeners);
  const AliasTable country_draw(country_weights());
  const AliasTable gender_draw(std::vector<double>{0.48, 0.48, 0.04});
  world.listeners.resize(world.options.users);
  for (auto& listener : world.listeners) {
    listener.age = static_cast<int32_t>(std::clamp(rng.normal(31, 11), 16.0, 75.0));
    listener.gender = static_cast<int32_t>(gender_draw.sample(rng));
    listener.country = static_cast<int32_t>(country_draw.sample(rng));
    listener.genre_prefs = declared_genres(world, listener, rng);
    listener.mood_prefs = declared_moods(world, listener.genre_prefs[0], rng);
    hidden_taste(world, listener, rng);
  }
}

double genre_probability(const MusicWorld& world, const MusicListener& listener, int32_t genre) {
  double total_share = 0;
  for (double s : world.genre_share) total_share += s;
  double total_pref = 0, pref = 0;
  for (size_t r = 0; r < listener.genre_prefs.size(); ++r) {
    total_pref += preference_weight(r);
    if (listener.genre_prefs[r] == genre) pref = preference_weight(r);
  }
  return (1 - listener.exploration) * pref / total_pref +
         listener.exploration * world.genre_share[genre] / total_share;
}

}  // namespace towerrec::music_detail
