// towerrec embed: write a bundle's user or item embeddings as CSV (id, then values).
#include <sstream>

#include "command.h"
#include "towerrec/csv_writer.h"
#include "towerrec/error.h"
#include "towerrec/files.h"
#include "towerrec/model.h"
#include "towerrec/runtime.h"

namespace towerrec::cli {
namespace {

struct EmbedOptions {
  std::string model;
  std::string what;
  std::string output;
  int64_t threads = 0;
};

void run_embed(const EmbedOptions& o) {
  configure_threads(o.threads);
  auto model = TwoTowerModel::load(o.model);
  bool users = o.what == "users";
  const IdMap& ids = users ? model->users() : model->items();
  const auto& values = users ? model->user_embeddings() : model->item_embeddings();
  int64_t dim = model->embedding_dim();
  CsvWriter csv;
  csv.field(users ? "user_id" : "item_id");
  for (int64_t d = 0; d < dim; ++d) csv.field("e" + std::to_string(d));
  csv.end_row();
  for (int64_t r = 0; r < ids.size(); ++r) {
    csv.field(ids.id(r));
    for (int64_t d = 0; d < dim; ++d) csv.field(values[static_cast<size_t>(r * dim + d)], 9);
    csv.end_row();
  }
  write_file_atomic(o.output, csv.str());
}

const bool kEmbedRegistered = register_command(
    {"embed", "Write a model's user or item embeddings as CSV", true, [](CLI::App& app) {
       auto options = std::make_shared<EmbedOptions>();
       app.add_option("--model", options->model, "Model bundle directory")->required();
       app.add_option("--what", options->what, "users or items")
           ->required()
           ->check(CLI::IsMember({"users", "items"}));
       app.add_option("--output", options->output, "CSV file to write")->required();
       app.add_option("--threads", options->threads, "Compute threads (0 = cores)")
           ->check(CLI::Range(0, 256));
       app.callback([options] { run_embed(*options); });
     }});

}  // namespace
}  // namespace towerrec::cli
