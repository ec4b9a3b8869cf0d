// towerrec recommend: exact top-K items for one user or every user of a bundle.
#include <iostream>

#include "command.h"
#include "towerrec/csv_writer.h"
#include "towerrec/error.h"
#include "towerrec/files.h"
#include "towerrec/model.h"
#include "towerrec/runtime.h"

namespace towerrec::cli {
namespace {

constexpr size_t kUsersPerBatch = 512;  // bounds the [users x items] score block

struct RecommendOptions {
  std::string model;
  std::string user;
  bool all_users = false;
  int64_t k = 10;
  bool exclude_seen = false;
  std::string output;
  int64_t threads = 0;
};

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
  for (size_t start = 0; start < users.size(); start += kUsersPerBatch) {
    std::vector<int64_t> batch(users.begin() + start,
                               users.begin() + std::min(users.size(), start + kUsersPerBatch));
    auto lists = model->recommend(batch, o.k, o.exclude_seen);
    for (size_t u = 0; u < batch.size(); ++u) {
      const std::string& user_id = model->users().id(batch[u]);
      for (size_t r = 0; r < lists[u].size(); ++r) {
        csv.field(user_id)
            .field(model->items().id(lists[u][r].item))
            .field(static_cast<int64_t>(r + 1))
            .field(lists[u][r].score, 7)
            .end_row();
      }
    }
  }
  if (o.output.empty()) {
    std::cout << csv.str();
  } else {
    write_file_atomic(o.output, csv.str());
  }
}

const bool kRegistered = register_command(
    {"recommend", "Exact top-K recommendations from a model bundle", true, [](CLI::App& app) {
       auto options = std::make_shared<RecommendOptions>();
       app.add_option("--model", options->model, "Model bundle directory")->required();
       app.add_option("--user", options->user, "User id (as in the input files)");
       app.add_flag("--all-users", options->all_users, "Recommend for every user");
       app.add_option("--k", options->k, "Items per user")
           ->required()
           ->check(CLI::Range(1, 1'000'000));
       app.add_flag("--exclude-seen", options->exclude_seen, "Skip the user's training items");
       app.add_option("--output", options->output, "CSV file (default: standard output)");
       app.add_option("--threads", options->threads, "Compute threads (0 = cores)")
           ->check(CLI::Range(0, 256));
       app.callback([options] { run_recommend(*options); });
     }});

}  // namespace
}  // namespace towerrec::cli
