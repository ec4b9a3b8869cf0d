// Random numbers for the music generator: a small self-contained generator
// (xoshiro256** seeded by splitmix64) with the handful of distributions the generator
// needs, and Vose alias tables for O(1) weighted draws. std:: distributions are
// avoided on purpose: their output differs between standard libraries, and the data
// set must be identical for a seed everywhere.
//
// Thread safety: a MusicRng is not shared; give each stream its own (see derive()).
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace towerrec {

class MusicRng {
 public:
  explicit MusicRng(uint64_t seed) {
    for (auto& word : state_) word = splitmix(seed);
  }
  // An independent stream for (seed, stream), e.g. one per listener.
  static MusicRng derive(uint64_t seed, uint64_t stream) {
    uint64_t mixed = seed ^ (stream * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL);
    return MusicRng(splitmix(mixed));
  }

  uint64_t next() {
    const uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n); n > 0.
  int64_t below(int64_t n) { return static_cast<int64_t>(uniform() * static_cast<double>(n)) % n; }
  bool bernoulli(double p) { return uniform() < p; }
  // Standard normal (Box-Muller, one value per call for simplicity of state).
  double normal() {
    const double u1 = 1.0 - uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double normal(double mean, double stddev) { return mean + stddev * normal(); }
  // Pareto with minimum 1 and tail index alpha (heavy tail for small alpha).
  double pareto(double alpha) { return std::pow(1.0 - uniform(), -1.0 / alpha); }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t splitmix(uint64_t& x) {
    uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint64_t state_[4];
};

// Draws index i with probability weights[i] / sum(weights) in O(1) (Vose's method).
// Immutable after construction; sample() is const and thread-safe given separate rngs.
class AliasTable {
 public:
  AliasTable() = default;
  // REQUIRES: weights non-empty, all >= 0, sum > 0.
  explicit AliasTable(const std::vector<double>& weights);
  int64_t sample(MusicRng& rng) const {
    const int64_t slot = rng.below(static_cast<int64_t>(slots_.size()));
    return rng.uniform() < slots_[slot].probability ? slot : slots_[slot].alias;
  }
  int64_t size() const { return static_cast<int64_t>(slots_.size()); }

 private:
  // Interleaved so a draw costs one cache miss.
  struct Slot {
    double probability = 0;
    int64_t alias = 0;
  };
  std::vector<Slot> slots_;
};

// Draws k distinct indices from weights (sequential weighted draws without
// replacement; k is small). Returns fewer when fewer weights are positive.
std::vector<int32_t> sample_distinct(const std::vector<double>& weights, int k, MusicRng& rng);

}  // namespace towerrec
