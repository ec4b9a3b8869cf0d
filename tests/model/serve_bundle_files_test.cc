// What a bundle carries for serving: `towerrec train` and background training jobs
// write the same serving catalogue and BPR factors (train.collaborative switches the
// factors off), jobs report progress within the epoch, and a bundle serves every route
// with its training data gone. Data: the two-block set of serve_bundle_data.h.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "serve/bundle_model.h"
#include "serve/tower_service.h"
#include "serve_bundle_data.h"
#include "test_support.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/bundle_embeddings.h"
#include "towerrec/http_server.h"
#include "towerrec/model.h"
#include "towerrec/store.h"
#include "util/fs.h"

namespace towerrec::serve {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class ServeBundleFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    yaml_ = testing::write_block_data(dir_);
    config_path_ = dir_.write("config.yaml", yaml_);
  }

  // Trains through the CLI; returns the bundle directory.
  std::string cli_train(const std::string& name, const std::string& extra = "") {
    const std::string out = dir_.path() + "/" + name;
    const auto run = towerrec::testing::run_towerrec("train --config " + config_path_ +
                                                     " --output " + out + extra);
    EXPECT_EQ(run.exit_code, 0) << run.output;
    return out;
  }

  towerrec::testing::TempDir dir_;
  std::string yaml_;
  std::string config_path_;
};

TEST_F(ServeBundleFilesTest, CliAndJobBundlesCarryTheSameServingFiles) {
  ASSERT_FALSE(towerrec::testing::towerrec_binary().empty()) << "towerrec is not built";
  const std::string cli = cli_train("cli");
  std::vector<TrainProgress> steps;
  JobProgress progress([](int64_t, int64_t, const std::map<std::string, double>&) {},
                       [&](const TrainProgress& p) { steps.push_back(p); });
  const TrainedBundle job = train_bundle({yaml_, "", ""}, progress, dir_.path());
  for (const char* file :
       {"serving/catalog.json", "serving/items.jsonl", "serving/histories.jsonl"}) {
    EXPECT_EQ(read_file(cli + "/" + file), read_file(job.path + "/" + file)) << file;
  }
  for (const char* file : {"ease/ease.json", "ease/weights.f32"}) {
    EXPECT_TRUE(fs::exists(cli + "/" + file)) << file;
    EXPECT_EQ(read_file(cli + "/" + file), read_file(job.path + "/" + file)) << file;
  }
  // 64 ratings in batches of 16: 4 batches in each of the 30 epochs, in order.
  ASSERT_FALSE(steps.empty());
  int64_t batch_reports = 0;
  for (const auto& p : steps) {
    EXPECT_EQ(p.batches, 4);
    EXPECT_EQ(p.epochs, 30);
    EXPECT_TRUE(std::isfinite(p.loss));
    EXPECT_GT(p.examples_per_second, 0);
    if (!p.epoch_done) ++batch_reports;
  }
  EXPECT_EQ(batch_reports, 4 * steps.back().epoch);
  EXPECT_EQ(steps[0].epoch, 1);
  EXPECT_EQ(steps[0].batch, 1);
  EXPECT_TRUE(steps.back().epoch_done);
  EXPECT_GE(steps.back().elapsed_seconds, steps[0].elapsed_seconds);
  EXPECT_GT(steps[0].eta_seconds, 0);
  if (steps.back().epoch == 30) {
    EXPECT_DOUBLE_EQ(steps.back().eta_seconds, 0.0);
  }

  const std::string without = cli_train("no-cf", " --set train.collaborative=false");
  EXPECT_TRUE(fs::exists(without + "/serving/catalog.json"));
  EXPECT_FALSE(fs::exists(without + "/bpr"));
}

// `towerrec recommend` lists what the service answers for each user (the fitted blend,
// the user's items excluded), not the towers' own top-K.
TEST_F(ServeBundleFilesTest, RecommendCommandListsTheServedAnswers) {
  ASSERT_FALSE(towerrec::testing::towerrec_binary().empty()) << "towerrec is not built";
  const std::string bundle = cli_train("cli");
  const std::string out = dir_.path() + "/recs.csv";
  const auto run = towerrec::testing::run_towerrec("recommend --model " + bundle +
                                                   " --all-users --k 3 --output " + out);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  std::vector<std::string> cli;
  std::ifstream in(out);
  for (std::string line; std::getline(in, line);) cli.push_back(line);

  const Config config = load_config(BundleLayout(bundle).config());
  ServiceOptions options = serve_options(config.serve);
  options.loader = [](const std::string& dir) { return load_bundle_state(dir, {}); };
  TowerService service(options);
  service.load_model(bundle);
  const auto model = TwoTowerModel::load(bundle);
  std::vector<std::string> served = {"user_id,item_id,rank,score"};
  for (int64_t u = 0; u < model->users().size(); ++u) {
    RecommendRequest request;
    request.user_id = model->users().id(u);
    request.limit = 3;
    const RecommendResponse response = service.recommend(request);
    EXPECT_TRUE(response.path == ServePath::kHybrid || response.path == ServePath::kTwoTower)
        << *request.user_id;
    const std::vector<int64_t> seen = model->seen_items(u);
    for (const RecommendedItem& item : response.items) {
      const int64_t row = model->items().find(item.item_id);
      EXPECT_FALSE(std::binary_search(seen.begin(), seen.end(), row)) << item.item_id;
      served.push_back(*request.user_id + "," + item.item_id + "," + std::to_string(item.rank));
    }
  }
  ASSERT_EQ(cli.size(), served.size());
  EXPECT_EQ(cli[0], served[0]);
  for (size_t r = 1; r < cli.size(); ++r) {
    EXPECT_EQ(cli[r].substr(0, served[r].size() + 1), served[r] + ",") << r;
  }
}

TEST_F(ServeBundleFilesTest, JobStatusFollowsTheTrainerWithinTheEpoch) {
  JobStatus status;
  TrainProgress p;
  p.epoch = 3;
  p.epochs = 10;
  p.batch = 7;
  p.batches = 20;
  p.loss = 0.5;
  p.examples_per_second = 1000;
  p.elapsed_seconds = 12;
  p.eta_seconds = 30;
  apply_progress(p, status);
  EXPECT_EQ(status.epoch, 2);  // the third epoch is under way
  EXPECT_EQ(status.batch, 7);
  EXPECT_EQ(status.batches, 20);
  EXPECT_DOUBLE_EQ(status.loss, 0.5);
  EXPECT_DOUBLE_EQ(status.eta_seconds, 30);
  EXPECT_TRUE(status.metrics.empty());
  p.epoch_done = true;
  p.metric = "ndcg@10";
  p.val_metric = 0.25;
  apply_progress(p, status);
  EXPECT_EQ(status.epoch, 3);
  EXPECT_DOUBLE_EQ(status.metrics.at("ndcg@10"), 0.25);
}

TEST_F(ServeBundleFilesTest, ServesEveryRouteWithTheDataGone) {
  const Config config = parse_config(yaml_, {}, dir_.path());
  const PipelineOutput data = build_dataset(config);
  const std::string bundle = dir_.path() + "/bundle";
  BuildBundleOptions options;
  options.train.progress = false;
  build_bundle(config, data, bundle, options);
  for (const char* file : {"users.csv", "items.csv", "ratings.csv"}) {
    fs::rename(dir_.path() + "/" + file, dir_.path() + "/" + file + ".gone");
  }
  Store store(dir_.path() + "/serve.db");
  ServiceOptions service_options;
  service_options.weights = {1, 1, 1};
  service_options.loader = [](const std::string& dir) { return load_bundle_state(dir, {}); };
  TowerService service(service_options);
  service.load_model(bundle);
  http::ServerOptions server_options;
  server_options.port = 0;
  server_options.threads = 4;
  server_options.model_root = dir_.path();
  http::HttpServer server(server_options, service, store);
  httplib::Client client("127.0.0.1", server.start());
  auto call = [&](const std::string& method, const std::string& path, const json& body) {
    auto result =
        method == "GET" ? client.Get(path) : client.Post(path, body.dump(), "application/json");
    EXPECT_TRUE(result) << path;
    if (!result) return json();
    EXPECT_EQ(result->status, 200) << path << ": " << result->body;
    return json::parse(result->body);
  };
  // u0 (calm) rated i0..i3: its two unseen Jazz items come first, explained by title.
  auto recs =
      call("POST", "/api/v1/recommendations", {{"user_id", "u0"}, {"limit", 2}, {"explain", true}});
  EXPECT_EQ(recs["path"], "hybrid");
  for (const auto& item : recs["items"])
    EXPECT_TRUE(testing::is_jazz(item["item_id"].get<std::string>()));
  EXPECT_GT(recs["items"][0]["contributions"]["collaborative"].get<double>(), 0);
  EXPECT_NE(recs["items"][0]["reasons"].dump().find("Title "), std::string::npos) << recs;
  auto rock = call("POST", "/api/v1/recommendations",
                   {{"user_id", "u0"}, {"limit", 10}, {"filters", {{"genres", {"Rock"}}}}});
  EXPECT_EQ(rock["items"].size(), 6u);
  auto compat = call("POST", "/recommendations", {{"user_id", "u9"}, {"k", 2}});
  EXPECT_EQ(compat["recommendations"].size(), 2u);
  auto cold = call("POST", "/api/v1/recommendations",
                   {{"user", {{"features", {{"mood", "loud"}}}}}, {"limit", 3}});
  EXPECT_EQ(cold["path"], "cold_start_features");
  EXPECT_EQ(call("GET", "/api/v1/items/i0/similar?limit=3", {})["items"].size(), 3u);
  call("POST", "/api/v1/users", {{"user_id", "new"}, {"features", {{"mood", "calm"}}}});
  call("POST", "/api/v1/items", {{"item_id", "n1"}, {"features", {{"genres", "Jazz"}}}});
  call("POST", "/api/v1/events",
       {{"events", {{{"user_id", "u0"}, {"item_id", "n1"}, {"type", "view"}}}}});
  const auto status = call("GET", "/api/v1/algorithms/status", {});
  EXPECT_EQ(status["items"], testing::kBlockItems + 1);
  EXPECT_EQ(status["algorithms"], json({"two_tower", "collaborative", "content", "popular"}));
  call("GET", "/readyz", {});
  server.stop();
}

}  // namespace
}  // namespace towerrec::serve
