// Shared by the HTTP tests: a deterministic fake RecommendationService, a validator for
// the subset of OpenAPI schemas docs/openapi.yaml uses, and a fixture that runs the
// server on 127.0.0.1 with a free port, a temporary store and a model root.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "http/http_server.h"
#include "test_support.h"
#include "towerrec/error.h"
#include "towerrec/service.h"
#include "towerrec/store.h"

namespace towerrec::testing {

// Items "i1".."i20"; genre "comedy" for even numbers, "drama" for odd ones. Users "u1"
// and "u2". A user's scores: item n scores 1 - n/100 (so i1 ranks first). Similar
// items of in: i(n+1), i(n+2), ... with score 1 - k/10 for the k-th.
class FakeService : public RecommendationService {
 public:
  FakeService() {
    for (int n = 1; n <= 20; ++n) items_["i" + std::to_string(n)] = n;
    users_ = {"u1", "u2"};
  }

  RecommendResponse recommend(const RecommendRequest& request) override {
    std::lock_guard<std::mutex> lock(mutex_);
    RecommendResponse response;
    std::set<std::string> skip(request.exclude.begin(), request.exclude.end());
    if (request.user_id) {
      if (!users_.count(*request.user_id)) {
        throw Error(ErrorCode::kNotFound, "unknown user '" + *request.user_id + "'");
      }
      skip.insert(seen_[*request.user_id].begin(), seen_[*request.user_id].end());
      response.path =
          weights_.collaborative + weights_.content > 0 ? ServePath::kHybrid : ServePath::kTwoTower;
    } else {
      response.path = ServePath::kColdStartFeatures;
    }
    std::vector<std::pair<int, std::string>> ranked;
    for (const auto& [id, n] : items_) {
      if (skip.count(id) || !passes(n, request.filters)) continue;
      ranked.push_back({n, id});
    }
    std::sort(ranked.begin(), ranked.end());
    const double total = weights_.two_tower + weights_.collaborative + weights_.content;
    for (const auto& [n, id] : ranked) {
      if (static_cast<int64_t>(response.items.size()) == request.limit) break;
      RecommendedItem item;
      item.item_id = id;
      item.score = 1.0 - n / 100.0;
      item.rank = static_cast<int64_t>(response.items.size()) + 1;
      item.contributions = {item.score * weights_.two_tower / total,
                            item.score * weights_.collaborative / total,
                            item.score * weights_.content / total};
      if (request.explain) item.reasons = {"liked by users like you", "genre " + genre(n)};
      response.items.push_back(item);
    }
    response.model_version = version_;
    return response;
  }

  SimilarResponse similar_items(const std::string& item_id, int64_t limit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = items_.find(item_id);
    if (found == items_.end()) throw Error(ErrorCode::kNotFound, "unknown item '" + item_id + "'");
    SimilarResponse response;
    for (int k = 1; k <= limit; ++k) {
      response.items.push_back({"i" + std::to_string(found->second + k), 1.0 - k / 10.0, k});
    }
    response.model_version = version_;
    return response;
  }

  void upsert_user(const std::string& user_id, const Features& features) override {
    std::lock_guard<std::mutex> lock(mutex_);
    users_.insert(user_id);
  }

  void upsert_item(const std::string& item_id, const Features& features) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!items_.count(item_id)) items_[item_id] = 100 + static_cast<int>(items_.size());
  }

  void record_events(const std::vector<Event>& events) override {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const Event& event : events) {  // all or nothing, like the real service
      if (!users_.count(event.user_id)) {
        throw Error(ErrorCode::kNotFound, "unknown user '" + event.user_id + "'");
      }
      if (!items_.count(event.item_id)) {
        throw Error(ErrorCode::kNotFound, "unknown item '" + event.item_id + "'");
      }
    }
    for (const Event& event : events) seen_[event.user_id].insert(event.item_id);
  }

  std::string start_training(const TrainRequest& request) override {
    std::lock_guard<std::mutex> lock(mutex_);
    trained_configs_.push_back(request.config_text + request.config_path);
    return "job-" + std::to_string(trained_configs_.size());
  }

  JobStatus job_status(const std::string& job_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (job_id != "job-" + std::to_string(trained_configs_.size()) || trained_configs_.empty()) {
      throw Error(ErrorCode::kNotFound, "unknown job '" + job_id + "'");
    }
    JobStatus status;
    status.job_id = job_id;
    status.state = JobState::kSucceeded;
    status.epoch = status.epochs = 3;
    status.metrics = {{"recall@10", 0.25}, {"ndcg@10", 0.125}};
    status.bundle_path = "/models/" + job_id;
    return status;
  }

  std::string load_model(const std::string& bundle_path) override {
    std::lock_guard<std::mutex> lock(mutex_);
    loaded_paths_.push_back(bundle_path);
    version_ = "v-" + std::filesystem::path(bundle_path).filename().string();
    return version_;
  }

  ServiceStatus status() override {
    std::lock_guard<std::mutex> lock(mutex_);
    ServiceStatus status;
    status.model_loaded = !version_.empty();
    status.model_version = version_;
    status.algorithms = {"two_tower", "collaborative", "content", "popular"};
    status.weights = weights_;
    status.index_kind = "hnsw";
    status.index_size = static_cast<int64_t>(items_.size());
    status.users = static_cast<int64_t>(users_.size());
    status.items = static_cast<int64_t>(items_.size());
    status.uptime_seconds = 12.5;
    return status;
  }

  void set_weights(const BlendWeights& weights) override {
    std::lock_guard<std::mutex> lock(mutex_);
    weights_ = weights;
  }

  std::vector<std::string> loaded_paths() {
    std::lock_guard<std::mutex> lock(mutex_);
    return loaded_paths_;
  }
  std::vector<std::string> trained_configs() {
    std::lock_guard<std::mutex> lock(mutex_);
    return trained_configs_;
  }

 private:
  static std::string genre(int n) { return n % 2 == 0 ? "comedy" : "drama"; }
  static bool passes(int n, const std::map<std::string, std::vector<std::string>>& filters) {
    auto found = filters.find("genre");
    if (found == filters.end()) return true;
    return std::count(found->second.begin(), found->second.end(), genre(n)) > 0;
  }

  std::mutex mutex_;
  std::map<std::string, int> items_;
  std::set<std::string> users_;
  std::map<std::string, std::set<std::string>> seen_;
  BlendWeights weights_;
  std::string version_;
  std::vector<std::string> loaded_paths_;
  std::vector<std::string> trained_configs_;
};

inline nlohmann::json yaml_to_json(const YAML::Node& node) {
  if (node.IsMap()) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& entry : node)
      object[entry.first.as<std::string>()] = yaml_to_json(entry.second);
    return object;
  }
  if (node.IsSequence()) {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& entry : node) array.push_back(yaml_to_json(entry));
    return array;
  }
  if (node.IsNull()) return nullptr;
  const std::string text = node.as<std::string>();
  if (node.Tag() != "!") {  // plain scalars may be numbers or booleans; quoted ones stay text
    if (text == "true" || text == "false") return text == "true";
    try {
      size_t used = 0;
      const double number = std::stod(text, &used);
      if (used == text.size()) return number;
    } catch (const std::exception&) {
    }
  }
  return text;
}

// Checks values against docs/openapi.yaml. Supported keywords: $ref, type, required,
// properties, additionalProperties, items, enum, minimum, oneOf.
class OpenApi {
 public:
  OpenApi() : spec_(yaml_to_json(YAML::LoadFile(source_dir() + "/docs/openapi.yaml"))) {}

  const nlohmann::json& spec() const { return spec_; }

  // The JSON schema of a response, following $refs to components/responses.
  nlohmann::json response_schema(const std::string& path, const std::string& method,
                                 int status) const {
    const auto& operation = spec_.at("paths").at(path).at(method);
    nlohmann::json response = operation.at("responses").at(std::to_string(status));
    response = resolve(response);
    return response.at("content").at("application/json").at("schema");
  }

  // Empty when value conforms, else the first problem with its JSON path.
  std::string validate(const nlohmann::json& value, const nlohmann::json& schema_in,
                       const std::string& where = "$") const {
    const nlohmann::json schema = resolve(schema_in);
    if (schema.contains("oneOf")) {
      int matches = 0;
      for (const auto& option : schema["oneOf"]) matches += validate(value, option, where).empty();
      return matches == 1 ? "" : where + ": matches " + std::to_string(matches) + " of oneOf";
    }
    if (schema.contains("type")) {
      const std::string problem = check_type(value, schema["type"].get<std::string>(), where);
      if (!problem.empty()) return problem;
    }
    if (schema.contains("enum") &&
        std::find(schema["enum"].begin(), schema["enum"].end(), value) == schema["enum"].end()) {
      return where + ": " + value.dump() + " not in enum";
    }
    if (schema.contains("minimum") && value.is_number() &&
        value.get<double>() < schema["minimum"].get<double>()) {
      return where + ": below minimum";
    }
    if (value.is_object()) return validate_object(value, schema, where);
    if (value.is_array() && schema.contains("items")) {
      for (size_t i = 0; i < value.size(); ++i) {
        auto problem = validate(value[i], schema["items"], where + "[" + std::to_string(i) + "]");
        if (!problem.empty()) return problem;
      }
    }
    return "";
  }

 private:
  nlohmann::json resolve(nlohmann::json node) const {
    while (node.is_object() && node.contains("$ref")) {
      std::string ref = node["$ref"].get<std::string>().substr(2);  // "#/a/b" -> "a/b"
      const nlohmann::json* target = &spec_;
      size_t start = 0;
      while (start <= ref.size()) {
        const size_t end = std::min(ref.find('/', start), ref.size());
        target = &target->at(ref.substr(start, end - start));
        start = end + 1;
      }
      node = *target;
    }
    return node;
  }

  static std::string check_type(const nlohmann::json& value, const std::string& type,
                                const std::string& where) {
    bool ok = false;
    if (type == "object") ok = value.is_object();
    if (type == "array") ok = value.is_array();
    if (type == "string") ok = value.is_string();
    if (type == "integer") ok = value.is_number_integer();
    if (type == "number") ok = value.is_number();
    if (type == "boolean") ok = value.is_boolean();
    return ok ? "" : where + ": expected " + type + ", got " + value.type_name();
  }

  std::string validate_object(const nlohmann::json& value, const nlohmann::json& schema,
                              const std::string& where) const {
    for (const auto& name : schema.value("required", nlohmann::json::array())) {
      if (!value.contains(name.get<std::string>())) {
        return where + ": missing required " + name.get<std::string>();
      }
    }
    const auto properties = schema.value("properties", nlohmann::json::object());
    for (const auto& [key, entry] : value.items()) {
      std::string problem;
      if (properties.contains(key)) {
        problem = validate(entry, properties[key], where + "." + key);
      } else if (schema.contains("additionalProperties")) {
        const auto& extra = schema["additionalProperties"];
        if (extra.is_boolean()) {
          problem = extra.get<bool>() ? "" : where + ": unexpected property " + key;
        } else {
          problem = validate(entry, extra, where + "." + key);
        }
      }
      if (!problem.empty()) return problem;
    }
    return "";
  }

  nlohmann::json spec_;
};

// A running server around a FakeService, with admin token "secret", a temporary
// database and model root <tmp>/models holding bundles "b1" and "b2".
class ServerTest : public ::testing::Test {
 protected:
  static constexpr const char* kToken = "secret";

  void SetUp() override {
    std::filesystem::create_directories(dir_.path() + "/models/b1");
    std::filesystem::create_directories(dir_.path() + "/models/b2");
    store_ = std::make_unique<Store>(dir_.path() + "/towerrec.db");
    start(options());
  }

  void TearDown() override {
    if (server_) server_->stop();
  }

  http::ServerOptions options() const {
    http::ServerOptions options;
    options.port = 0;
    options.admin_token = kToken;
    options.model_root = dir_.path() + "/models";
    options.max_body_bytes = 4096;
    options.max_limit = 50;
    options.threads = 40;
    return options;
  }

  void start(const http::ServerOptions& options) {
    if (server_) server_->stop();
    server_ = std::make_unique<http::HttpServer>(options, service_, *store_);
    port_ = server_->start();
  }

  httplib::Client client() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(5, 0);
    client.set_tcp_nodelay(true);
    return client;
  }

  httplib::Headers auth() const { return {{"Authorization", std::string("Bearer ") + kToken}}; }

  httplib::Result post(const std::string& path, const nlohmann::json& body, bool admin = true) {
    return client().Post(path.c_str(), admin ? auth() : httplib::Headers{}, body.dump(),
                         "application/json");
  }
  httplib::Result post_raw(const std::string& path, const std::string& body) {
    return client().Post(path.c_str(), auth(), body, "application/json");
  }
  httplib::Result put(const std::string& path, const nlohmann::json& body, bool admin = true) {
    return client().Put(path.c_str(), admin ? auth() : httplib::Headers{}, body.dump(),
                        "application/json");
  }
  httplib::Result get(const std::string& path) { return client().Get(path.c_str()); }

  // Asserts the status and that the body matches the documented schema; returns it.
  nlohmann::json expect(const httplib::Result& result, int status, const std::string& route,
                        const std::string& method) {
    EXPECT_TRUE(result) << "no response for " << method << " " << route;
    if (!result) return nullptr;
    EXPECT_EQ(result->status, status) << result->body;
    auto body = nlohmann::json::parse(result->body, nullptr, false);
    EXPECT_FALSE(body.is_discarded()) << result->body;
    const auto schema = openapi_.response_schema(route, method, status);
    EXPECT_EQ(openapi_.validate(body, schema), "") << result->body;
    return body;
  }

  // Asserts an error answer: status, code, and a message containing `mention`.
  void expect_error(const httplib::Result& result, int status, const std::string& code,
                    const std::string& mention) {
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, status) << result->body;
    auto body = nlohmann::json::parse(result->body, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << result->body;
    const auto schema = nlohmann::json{{"$ref", "#/components/schemas/Error"}};
    EXPECT_EQ(openapi_.validate(body, schema), "") << result->body;
    EXPECT_EQ(body["error"]["code"], code) << result->body;
    EXPECT_NE(body["error"]["message"].get<std::string>().find(mention), std::string::npos)
        << "message lacks '" << mention << "': " << result->body;
  }

  TempDir dir_;
  FakeService service_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<http::HttpServer> server_;
  OpenApi openapi_;
  int port_ = 0;
};

}  // namespace towerrec::testing
