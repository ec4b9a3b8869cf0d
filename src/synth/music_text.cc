// Stand-in for a sentence encoder's vector of "title - artist - genres - moods": a
// unit vector pointing mostly along the track's genre and mood directions, then its
// artist's, plus a little noise, so similar metadata gives similar vectors.
#include <cmath>

#include "synth/music_internal.h"

namespace towerrec {
namespace {

std::vector<std::vector<float>> directions(size_t count, int64_t dim, MusicRng& rng) {
  std::vector<std::vector<float>> table(count, std::vector<float>(dim));
  for (auto& row : table) {
    for (auto& x : row) x = static_cast<float>(rng.normal());
  }
  return table;
}

void add(std::vector<float>::iterator out, const std::vector<float>& direction, double weight) {
  for (size_t d = 0; d < direction.size(); ++d) out[d] += static_cast<float>(weight * direction[d]);
}

}  // namespace

std::vector<float> music_text_vectors(const MusicWorld& world) {
  const int64_t dim = world.options.text_dim;
  if (dim <= 0) return {};
  MusicRng rng = MusicRng::derive(world.options.seed, music_detail::kStreamText);
  const auto genre = directions(world.genres.size(), dim, rng);
  const auto mood = directions(world.moods.size(), dim, rng);
  const auto artist = directions(world.artists.size(), dim, rng);
  std::vector<float> vectors(world.tracks.size() * dim, 0.0f);
  for (size_t t = 0; t < world.tracks.size(); ++t) {
    const MusicTrack& track = world.tracks[t];
    auto row = vectors.begin() + static_cast<int64_t>(t) * dim;
    for (int32_t g : track.genres)
      add(row, genre[g], 1.0 / std::sqrt(static_cast<double>(track.genres.size())));
    for (int32_t m : track.moods)
      add(row, mood[m], 0.6 / std::sqrt(static_cast<double>(track.moods.size())));
    add(row, artist[track.artist], 0.4);
    double norm = 0;
    for (int64_t d = 0; d < dim; ++d) {
      row[d] += static_cast<float>(rng.normal(0, 0.5));
      norm += static_cast<double>(row[d]) * row[d];
    }
    const float inverse = static_cast<float>(1.0 / std::sqrt(norm));
    for (int64_t d = 0; d < dim; ++d) row[d] *= inverse;
  }
  return vectors;
}

}  // namespace towerrec
