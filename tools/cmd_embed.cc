// towerrec embed: write a bundle's user or item embeddings as CSV (id, then values).
#include <sstream>

#include "command.h"
#include "towerrec/error.h"
#include "towerrec/files.h"
#include "towerrec/model.h"
#include "towerrec/runtime.h"

namespace towerrec::cli {
namespace {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

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
  std::ostringstream csv;
  csv.precision(9);
  csv << (users ? "user_id" : "item_id");
  for (int64_t d = 0; d < dim; ++d) csv << ",e" << d;
  csv << "\n";
  for (int64_t r = 0; r < ids.size(); ++r) {
    csv << csv_field(ids.id(r));
    for (int64_t d = 0; d < dim; ++d) csv << ',' << values[static_cast<size_t>(r * dim + d)];
    csv << "\n";
  }
  write_file_atomic(o.output, csv.str());
}

const bool kRegistered = register_command(
    {"embed", "Write a model's user or item embeddings as CSV", true, [](CLI::App& app) {
       auto options = std::make_shared<EmbedOptions>();
       app.add_option("--model", options->model, "Model bundle directory")->required();
       app.add_option("--what", options->what, "users or items")
           ->required()
           ->check(CLI::IsMember({"users", "items"}));
       app.add_option("--output", options->output, "CSV file to write")->required();
       app.add_option("--threads", options->threads, "Compute threads (0 = cores)");
       app.callback([options] { run_embed(*options); });
     }});

}  // namespace
}  // namespace towerrec::cli
