// The torchrun environment of a rank.
#include <cstdlib>
#include <string>

#include "towerrec/distributed.h"
#include "towerrec/error.h"

namespace towerrec {

namespace {

// The integer value of `name`, or `fallback` when unset; throws Error when malformed.
int env_int(const char* name, int fallback, int low, int high) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  size_t used = 0;
  long value = 0;
  try {
    value = std::stol(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || text[used] != '\0' || value < low || value > high) {
    throw Error(ErrorCode::kInvalidArgument, std::string("environment variable ") + name + "='" +
                                                 text + "' is not an integer in [" +
                                                 std::to_string(low) + ", " + std::to_string(high) +
                                                 "]");
  }
  return static_cast<int>(value);
}

}  // namespace

DistributedEnv distributed_env_from_environment() {
  DistributedEnv env;
  env.world_size = env_int("WORLD_SIZE", 1, 1, 1 << 16);
  if (env.world_size == 1) return env;
  env.rank = env_int("RANK", -1, 0, env.world_size - 1);
  check(env.rank >= 0, "WORLD_SIZE is " + std::to_string(env.world_size) + " but RANK is not set");
  env.local_rank = env_int("LOCAL_RANK", 0, 0, 1 << 16);
  const char* addr = std::getenv("MASTER_ADDR");
  check(addr != nullptr && *addr != '\0',
        "WORLD_SIZE is " + std::to_string(env.world_size) + " but MASTER_ADDR is not set");
  env.master_addr = addr;
  env.master_port = env_int("MASTER_PORT", -1, 1, 65535);
  check(env.master_port > 0,
        "WORLD_SIZE is " + std::to_string(env.world_size) + " but MASTER_PORT is not set");
  return env;
}

}  // namespace towerrec
