// Many keep-alive clients at once: every answer is the right one for its request, and
// the request counter adds up.
#include <atomic>
#include <chrono>
#include <thread>

#include "http_test_fixture.h"

namespace towerrec::testing {
namespace {

using nlohmann::json;

class HttpConcurrencyTest : public ServerTest {};

TEST_F(HttpConcurrencyTest, ThirtyTwoClientsGetCorrectAnswers) {
  constexpr int kClients = 32;
  constexpr int kRequestsEach = 40;
  std::atomic<int> wrong{0};
  std::atomic<int> failed{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", port_);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      client.set_read_timeout(10, 0);
      for (int r = 0; r < kRequestsEach; ++r) {
        // Client c excludes item i(c % 5 + 1) and asks for limit (c % 7 + 1) items.
        const int excluded = c % 5 + 1;
        const int limit = c % 7 + 1;
        const json body = {{"user_id", c % 2 ? "u1" : "u2"},
                           {"limit", limit},
                           {"exclude", {"i" + std::to_string(excluded)}}};
        auto result = client.Post("/api/v1/recommendations", body.dump(), "application/json");
        if (!result || result->status != 200) {
          ++failed;
          ADD_FAILURE() << (result ? result->body : httplib::to_string(result.error()));
          continue;
        }
        const auto answer = json::parse(result->body);
        std::vector<std::string> expected;
        for (int n = 1; static_cast<int>(expected.size()) < limit; ++n) {
          if (n != excluded) expected.push_back("i" + std::to_string(n));
        }
        std::vector<std::string> got;
        for (const auto& item : answer["items"]) got.push_back(item["item_id"]);
        if (got != expected) ++wrong;
      }
    });
  }
  for (auto& client : clients) client.join();
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(wrong.load(), 0);
  std::printf("%d requests from %d keep-alive clients in %.3f s: %.0f req/s\n",
              kClients * kRequestsEach, kClients, elapsed.count(),
              kClients * kRequestsEach / elapsed.count());

  auto metrics = get("/metrics");
  ASSERT_TRUE(metrics);
  const std::string line =
      "towerrec_http_requests_total{route=\"/api/v1/recommendations\","
      "method=\"POST\",status=\"200\"} " +
      std::to_string(kClients * kRequestsEach) + "\n";
  EXPECT_NE(metrics->body.find(line), std::string::npos) << metrics->body;
}

TEST_F(HttpConcurrencyTest, ConcurrentWritesAllReachTheStore) {
  constexpr int kWriters = 16;
  constexpr int kEventsEach = 20;
  std::vector<std::thread> writers;
  std::atomic<int> failed{0};
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto client = this->client();
      for (int e = 0; e < kEventsEach; ++e) {
        const json body = {{"events",
                            {{{"user_id", w % 2 ? "u1" : "u2"},
                              {"item_id", "i" + std::to_string(e % 20 + 1)},
                              {"type", "view"},
                              {"timestamp", w * 1000 + e}}}}};
        auto result = client.Post("/api/v1/events", auth(), body.dump(), "application/json");
        if (!result || result->status != 200) {
          ++failed;
          ADD_FAILURE() << (result ? result->body : httplib::to_string(result.error()));
        }
      }
    });
  }
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(store_->event_count(), kWriters * kEventsEach);
  EXPECT_EQ(store_->events_for_user("u1").size(), static_cast<size_t>(kWriters / 2 * kEventsEach));
}

}  // namespace
}  // namespace towerrec::testing
