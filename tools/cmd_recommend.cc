// towerrec recommend: the top-K items for one user or every user of a bundle, as
// `towerrec serve` answers POST /api/v1/recommendations (the blend with the bundle's
// fitted weights, fallbacks, the user's items excluded), or with --towers-only the exact
// top-K of the towers' scores.
#include <iostream>

#include "command.h"
#include "towerrec/bundle.h"
#include "towerrec/csv_writer.h"
#include "towerrec/error.h"
#include "towerrec/files.h"
#include "towerrec/model.h"
#include "towerrec/runtime.h"
#include "towerrec/serving.h"

namespace towerrec::cli {
namespace {

constexpr size_t kUsersPerBatch = 512;  // bounds the [users x items] score block

struct RecommendOptions {
  std::string model;
  std::string user;
  bool all_users = false;
  int64_t k = 10;
  bool exclude_seen = false;
  bool towers_only = false;
  std::string output;
  int64_t threads = 0;
};

void add_row(CsvWriter& csv, const std::string& user, const std::string& item, int64_t rank,
             double score) {
  csv.field(user).field(item).field(rank).field(score, 7).end_row();
}

// The towers' exact top-K, in blocks of users.
void towers_lists(const TwoTowerModel& model, const std::vector<int64_t>& users,
                  const RecommendOptions& o, CsvWriter& csv) {
  for (size_t start = 0; start < users.size(); start += kUsersPerBatch) {
    std::vector<int64_t> batch(users.begin() + start,
                               users.begin() + std::min(users.size(), start + kUsersPerBatch));
    auto lists = model.recommend(batch, o.k, o.exclude_seen);
    for (size_t u = 0; u < batch.size(); ++u) {
      for (size_t r = 0; r < lists[u].size(); ++r) {
        add_row(csv, model.users().id(batch[u]), model.items().id(lists[u][r].item),
                static_cast<int64_t>(r + 1), lists[u][r].score);
      }
    }
  }
}

// The server's answers: its service, built from the bundle's configuration, asked once
// per user.
void served_lists(const TwoTowerModel& model, const std::vector<int64_t>& users,
                  const RecommendOptions& o, CsvWriter& csv) {
  check(model.manifest().has_folder(BundleLayout::kServingDir),
        "the bundle in " + o.model +
            " has no serving catalogue (serving/), so it cannot be served; --towers-only "
            "ranks with the towers alone");
  const Config config = load_config(BundleLayout(o.model).config());
  auto service = serve::make_tower_service(config, nullptr);
  service->load_model(o.model);
  for (int64_t user : users) {
    RecommendRequest request;
    request.user_id = model.users().id(user);
    request.limit = o.k;
    for (const RecommendedItem& item : service->recommend(request).items) {
      add_row(csv, *request.user_id, item.item_id, item.rank, item.score);
    }
  }
}

void run_recommend(const RecommendOptions& o) {
  check(o.all_users != !o.user.empty(), "give exactly one of --user ID and --all-users");
  check(o.k > 0, "--k must be positive");
  configure_threads(o.threads);
  auto model = TwoTowerModel::load(o.model);
  std::vector<int64_t> users;
  if (o.all_users) {
    for (int64_t u = 0; u < model->users().size(); ++u) users.push_back(u);
  } else {
    users.push_back(model->user_index(o.user));
  }
  CsvWriter csv;
  csv.row({"user_id", "item_id", "rank", "score"});
  if (o.towers_only) {
    towers_lists(*model, users, o, csv);
  } else {
    served_lists(*model, users, o, csv);
  }
  if (o.output.empty()) {
    std::cout << csv.str();
  } else {
    write_file_atomic(o.output, csv.str());
  }
}

const bool kRecommendRegistered = register_command(
    {"recommend", "Top-K recommendations from a model bundle, as the server answers them", true,
     [](CLI::App& app) {
       auto options = std::make_shared<RecommendOptions>();
       app.add_option("--model", options->model, "Model bundle directory")->required();
       app.add_option("--user", options->user, "User id (as in the input files)");
       app.add_flag("--all-users", options->all_users, "Recommend for every user");
       app.add_option("--k", options->k, "Items per user")
           ->required()
           ->check(CLI::Range(1, 1'000'000));
       app.add_flag("--exclude-seen", options->exclude_seen,
                    "Skip the user's training items (served lists always do)");
       app.add_flag("--towers-only", options->towers_only,
                    "The exact top-K of the towers' scores instead of the served blend");
       app.add_option("--output", options->output, "CSV file (default: standard output)");
       app.add_option("--threads", options->threads, "Compute threads (0 = cores)")
           ->check(CLI::Range(0, 256));
       app.callback([options] { run_recommend(*options); });
     }});

}  // namespace
}  // namespace towerrec::cli
