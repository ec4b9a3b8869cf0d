// The HTTP layer under hostile clients: Range amplification, chunked bodies past the
// size limit, slow clients against the worker pool and the per-request deadline, the
// per-address connection cap and pipelined requests. Raw sockets send the exact bytes.
#include <thread>

#include "http_raw_socket.h"
#include "http_test_fixture.h"

namespace towerrec::testing {
namespace {

using json = nlohmann::json;
using Seconds = std::chrono::duration<double>;

std::string request(const std::string& method, const std::string& path,
                    const std::string& extra_headers = "", const std::string& body = "") {
  std::string text = method + " " + path + " HTTP/1.1\r\nHost: t\r\n" + extra_headers;
  if (!body.empty()) text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return text + "\r\n" + body;
}

std::string body_of(const std::string& answer) {
  const size_t at = answer.find("\r\n\r\n");
  return at == std::string::npos ? "" : answer.substr(at + 4);
}

class HttpHardeningTest : public ServerTest {
 protected:
  double elapsed_since(std::chrono::steady_clock::time_point start) {
    return Seconds(std::chrono::steady_clock::now() - start).count();
  }
};

TEST_F(HttpHardeningTest, MultiRangeRequestGetsNoMoreThanThePlainAnswer) {
  const std::string query = json{{"user_id", "u1"}, {"limit", 20}}.dump();
  auto plain = client().Post("/api/v1/recommendations", query, "application/json");
  ASSERT_TRUE(plain);
  ASSERT_EQ(plain->status, 200);
  std::string ranges = "bytes=0-";
  for (int i = 1; i < 2500; ++i) ranges += ",0-";
  RawSocket socket(port_);
  ASSERT_TRUE(socket.send(request("POST", "/api/v1/recommendations",
                                  "Range: " + ranges + "\r\nConnection: close\r\n", query)));
  const std::string answer = socket.receive(5);
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer.substr(0, 200);
  EXPECT_EQ(answer.find("multipart/byteranges"), std::string::npos);
  EXPECT_EQ(body_of(answer), plain->body);
}

TEST_F(HttpHardeningTest, ChunkedBodyIsRefusedOnceItPassesTheLimit) {
  // 64 KiB in 4 KiB chunks against a 4 KiB limit, and no final chunk: the server must
  // answer while the body is still arriving.
  RawSocket socket(port_);
  std::string head =
      "POST /api/v1/events HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer secret\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  ASSERT_TRUE(socket.send(head));
  for (int i = 0; i < 16; ++i) {
    if (!socket.send("1000\r\n" + std::string(4096, 'A') + "\r\n")) break;
  }
  const auto start = std::chrono::steady_clock::now();
  const std::string answer = socket.receive(3);
  EXPECT_LT(elapsed_since(start), 2.0);
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer.substr(0, 200);
  EXPECT_LT(answer.size(), 1024u);
  EXPECT_EQ(answer.find("AAAA"), std::string::npos);
  EXPECT_TRUE(socket.closed());
  EXPECT_EQ(get("/healthz")->status, 200);
}

TEST_F(HttpHardeningTest, ChunkedBodyWithinTheLimitIsAccepted) {
  RawSocket socket(port_);
  const std::string body = json{{"user_id", "u1"}, {"limit", 2}}.dump();
  ASSERT_TRUE(socket.send(
      "POST /api/v1/recommendations HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
      "Connection: close\r\n\r\n" +
      [&] {
        std::ostringstream size;
        size << std::hex << body.size();
        return size.str();
      }() +
      "\r\n" + body + "\r\n0\r\n\r\n"));
  const std::string answer = socket.receive(5);
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
  EXPECT_NE(body_of(answer).find("\"i1\""), std::string::npos) << answer;
}

TEST_F(HttpHardeningTest, ErrorMessagesNeverEchoALargeBody) {
  // A malformed JSON string 3,000 bytes long: the parser's "last read" quotes it.
  const std::string body = "{\"user_id\": \"" + std::string(3000, 'Z');
  auto result = post_raw("/api/v1/recommendations", body);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  EXPECT_LT(result->body.size(), 700u) << result->body.size();
  EXPECT_EQ(result->body.find(std::string(300, 'Z')), std::string::npos);
  // An id that is echoed by the service's "unknown user" message.
  auto unknown = post("/api/v1/recommendations", json{{"user_id", std::string(3000, 'Y')}}, false);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_LT(unknown->body.size(), 700u);
}

TEST_F(HttpHardeningTest, SlowClientsDoNotStarveHealthChecks) {
  auto options = this->options();
  options.threads = 4;
  options.read_timeout_seconds = 30;
  start(options);
  // 40 clients, ten times the workers, each sending a head one byte at a time.
  std::vector<RawSocket> slow;
  for (int i = 0; i < 40; ++i) {
    slow.emplace_back(port_);
    ASSERT_TRUE(slow.back().send("P"));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (auto& socket : slow) socket.send("O");
  int answered = 0;
  const auto start_checks = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) {
    auto result = get(i % 2 ? "/metrics" : "/healthz");
    answered += result && result->status == 200;
  }
  EXPECT_EQ(answered, 5);
  EXPECT_LT(elapsed_since(start_checks), 2.0);
}

TEST_F(HttpHardeningTest, TricklingClientIsCutOffAtTheRequestDeadline) {
  auto options = this->options();
  options.read_timeout_seconds = 0.6;
  start(options);
  // One byte every 100 ms: each read is quick, the request as a whole is not.
  for (const bool in_body : {false, true}) {
    RawSocket socket(port_);
    const std::string head =
        "POST /api/v1/recommendations HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n";
    const std::string slow_part = in_body ? std::string(40, ' ') : head;
    if (in_body) {
      ASSERT_TRUE(socket.send(head));
    }
    const auto start = std::chrono::steady_clock::now();
    for (char byte : slow_part) {
      if (!socket.send(std::string(1, byte)) || elapsed_since(start) > 3) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (!socket.receive(0.001).empty() || socket.closed()) break;
    }
    socket.receive(1);
    EXPECT_LT(elapsed_since(start), 2.0) << (in_body ? "body" : "head");
  }
  EXPECT_EQ(get("/healthz")->status, 200);
}

TEST_F(HttpHardeningTest, ConnectionsPerAddressAreCapped) {
  auto options = this->options();
  options.max_connections_per_address = 3;
  start(options);
  std::vector<RawSocket> held;
  for (int i = 0; i < 3; ++i) held.emplace_back(port_);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  RawSocket refused(port_);
  const std::string answer = refused.receive(2);
  EXPECT_EQ(answer.rfind("HTTP/1.1 503", 0), 0u) << answer;
  EXPECT_NE(answer.find("max_connections_per_address"), std::string::npos) << answer;
  held.clear();  // closing them frees the address's slots
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(get("/healthz")->status, 200);
}

TEST_F(HttpHardeningTest, PipelinedRequestsAreAnsweredInOrder) {
  RawSocket socket(port_);
  const std::string recommend = json{{"user_id", "u1"}, {"limit", 1}}.dump();
  ASSERT_TRUE(socket.send(request("GET", "/healthz") +
                          request("POST", "/api/v1/recommendations", "", recommend) +
                          request("GET", "/readyz", "Connection: close\r\n")));
  const std::string answers = socket.receive(5);
  const size_t health = answers.find("\"status\":\"ok\"");
  const size_t recommended = answers.find("\"item_id\":\"i1\"");
  const size_t ready = answers.find("HTTP/1.1", recommended == std::string::npos ? 0 : recommended);
  EXPECT_EQ(count_of(answers, "HTTP/1.1 "), 3u) << answers;
  ASSERT_NE(health, std::string::npos) << answers;
  ASSERT_NE(recommended, std::string::npos) << answers;
  EXPECT_LT(health, recommended);
  EXPECT_NE(ready, std::string::npos);
  EXPECT_TRUE(socket.closed());
}

TEST_F(HttpHardeningTest, TrainingConfigPathsAreConfinedToTheConfigRoot) {
  const std::string configs = dir_.path() + "/configs";
  std::filesystem::create_directories(configs + "/sub");
  const std::string inside = dir_.write("configs/ok.yaml", "train:\n  epochs: 1\n");
  dir_.write("secret.yaml", "root:*:19000:0:99999:7:::\n");
  std::filesystem::create_symlink(dir_.path() + "/secret.yaml", configs + "/link.yaml");
  auto options = this->options();
  options.config_root = configs;
  start(options);
  expect_error(post("/api/v1/models/train", {{"config_path", "/etc/shadow"}}), 403, "forbidden",
               "outside the config root");
  expect_error(post("/api/v1/models/train", {{"config_path", "../secret.yaml"}}), 403, "forbidden",
               "outside the config root");
  expect_error(post("/api/v1/models/train", {{"config_path", "link.yaml"}}), 403, "forbidden",
               "symlink escape");
  expect_error(post("/api/v1/models/train", {{"config_path", "sub"}}), 400, "invalid_argument",
               "not a regular file");
  expect_error(post("/api/v1/models/train", {{"config_path", "none.yaml"}}), 404, "not_found",
               "does not exist");
  // Nor may a config, inline or confined, name data outside the root.
  dir_.write("configs/escape.yaml", "data:\n  dir: /etc\n  interactions:\n    file: shadow\n");
  expect_error(post("/api/v1/models/train", {{"config_path", "escape.yaml"}}), 403, "forbidden",
               "data.interactions.file");
  expect_error(post("/api/v1/models/train",
                    {{"config", "data:\n  items:\n    file: " + dir_.path() + "/secret.yaml\n"}}),
               403, "forbidden", "data.items.file");
  EXPECT_TRUE(service_.trained_configs().empty());
  // A confined config reaches the service by its canonical path.
  auto accepted = post("/api/v1/models/train", {{"config_path", "ok.yaml"}});
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->status, 202) << accepted->body;
  ASSERT_EQ(service_.trained_configs().size(), 1u);
  EXPECT_EQ(service_.trained_configs()[0], std::filesystem::canonical(inside).string());
}

TEST_F(HttpHardeningTest, ConfigRootDefaultsToTheModelRoot) {
  dir_.write("models/c.yaml", "train:\n  epochs: 1\n");
  auto accepted = post("/api/v1/models/train", {{"config_path", "c.yaml"}});
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->status, 202) << accepted->body;
  expect_error(post("/api/v1/models/train", {{"config_path", dir_.path() + "/x.yaml"}}), 403,
               "forbidden", "outside the config root");
}

TEST_F(HttpHardeningTest, OutOfRangeNumbersAreRefusedNamingTheField) {
  auto event = [](const json& changes) {
    json e = {{"user_id", "u1"}, {"item_id", "i1"}, {"type", "rating"}, {"value", 4}};
    e.update(changes);
    return json{{"events", {e}}};
  };
  expect_error(post("/api/v1/events", event({{"value", 1e308}})), 400, "invalid_argument",
               "body.events[0].value");
  expect_error(post("/api/v1/events", event({{"value", -1e308}})), 400, "invalid_argument",
               "body.events[0].value");
  expect_error(post("/api/v1/events", event({{"timestamp", 1e30}})), 400, "invalid_argument",
               "body.events[0].timestamp");
  expect_error(post("/api/v1/events", event({{"timestamp", int64_t(1) << 62}})), 400,
               "invalid_argument", "body.events[0].timestamp");
  expect_error(put("/api/v1/models/weights", {{"weights", {{"two_tower", 1e308}}}}), 400,
               "invalid_argument", "body.weights.two_tower");
  EXPECT_EQ(post("/api/v1/events", event({{"value", 5}, {"timestamp", 1795363200}}))->status, 200);
}

TEST_F(HttpHardeningTest, LoadingADirectoryThatIsNoBundleIs400) {
  std::filesystem::create_directories(dir_.path() + "/models/empty");
  expect_error(post("/api/v1/models/load", {{"path", "empty"}}), 400, "invalid_argument",
               "is not a valid bundle");
  expect_error(post("/api/v1/models/load", {{"path", "absent"}}), 404, "not_found",
               "does not exist");
}

}  // namespace
}  // namespace towerrec::testing
