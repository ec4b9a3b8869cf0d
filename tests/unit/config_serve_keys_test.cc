// serve.config_root and serve.max_connections_per_address: keys of the serve section,
// handed to the HTTP server's options (the `towerrec serve` flags override them).
#include <gtest/gtest.h>

#include "towerrec/config.h"
#include "towerrec/error.h"
#include "towerrec/http_server.h"

namespace towerrec {
namespace {

TEST(ConfigServeKeysTest, DefaultsMatchTheServerOptions) {
  const Config config = parse_config("");
  EXPECT_EQ(config.serve.config_root, "");
  EXPECT_EQ(config.serve.max_connections_per_address,
            http::ServerOptions{}.max_connections_per_address);
}

TEST(ConfigServeKeysTest, KeysReachTheServerOptions) {
  const Config config =
      parse_config("serve:\n  config_root: /srv/configs\n  max_connections_per_address: 3\n");
  const auto options = http::ServerOptions::from_config(config.serve);
  EXPECT_EQ(options.config_root, "/srv/configs");
  EXPECT_EQ(options.max_connections_per_address, 3);
  const Config overridden = parse_config("", {"serve.max_connections_per_address=7"});
  EXPECT_EQ(http::ServerOptions::from_config(overridden.serve).max_connections_per_address, 7);
}

TEST(ConfigServeKeysTest, OutOfRangeConnectionLimitIsRefused) {
  EXPECT_THROW(parse_config("serve:\n  max_connections_per_address: 0\n"), Error);
  EXPECT_THROW(parse_config("", {"serve.max_connections_per_address=70000"}), Error);
}

}  // namespace
}  // namespace towerrec
