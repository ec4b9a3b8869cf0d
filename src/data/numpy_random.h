// The uniform stream of numpy's legacy global generator: np.random.seed(s) followed by
// np.random.rand(n) is MT19937 seeded with init_genrand(s) and 53-bit doubles built
// from two 32-bit outputs. Matching it lets seeded splits equal the Python tools'
// splits row for row.
//
// Thread safety: one instance per thread.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace towerrec::data {

class NumpyRandom {
 public:
  explicit NumpyRandom(uint64_t seed) : engine_(static_cast<uint32_t>(seed)) {}

  // One draw in [0, 1): numpy's random_sample.
  double uniform() {
    const uint64_t a = engine_() >> 5;
    const uint64_t b = engine_() >> 6;
    return (static_cast<double>(a) * 67108864.0 + static_cast<double>(b)) / 9007199254740992.0;
  }

  // n draws: np.random.rand(n).
  std::vector<double> uniforms(int64_t n) {
    std::vector<double> out(static_cast<size_t>(n));
    for (auto& x : out) x = uniform();
    return out;
  }

 private:
  std::mt19937 engine_;
};

}  // namespace towerrec::data
