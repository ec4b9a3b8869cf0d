// `towerrec similar`: the items nearest one item in a bundle's embedding space, through
// the bundle's stored index when it has one, else exact search.
#include <cstdio>
#include <memory>
#include <string>

#include "command.h"
#include "towerrec/bundle.h"
#include "towerrec/bundle_embeddings.h"
#include "towerrec/error.h"
#include "towerrec/item_index.h"

namespace {

struct SimilarOptions {
  std::string model;
  std::string item;
  int64_t k = 10;
};

void run_similar(const SimilarOptions& options) {
  towerrec::check(options.k >= 1, "--k must be at least 1");
  const auto items = towerrec::serve::read_item_embeddings(options.model);
  int64_t row = -1;
  for (size_t i = 0; i < items.ids.size(); ++i) {
    if (items.ids[i] == options.item) row = static_cast<int64_t>(i);
  }
  if (row < 0) {
    throw towerrec::Error(towerrec::ErrorCode::kNotFound,
                          "unknown item '" + options.item + "' in " + options.model);
  }
  const auto index =
      towerrec::serve::bundle_has_index(options.model)
          ? towerrec::ItemIndex::load(towerrec::BundleLayout(options.model).index_dir(), items.dim)
          : towerrec::serve::build_item_index(items, "Flat", 1);
  std::printf("rank\titem_id\tcosine\n");
  int rank = 0;
  for (const auto& hit : towerrec::serve::nearest_items(*index, items, row, options.k)) {
    std::printf("%d\t%s\t%.4f\n", ++rank, items.ids.at(hit.index).c_str(), hit.score);
  }
}

const bool kSimilarRegistered = towerrec::cli::register_command(
    {"similar", "Print the items nearest one item in a bundle's embedding space",
     /*needs_torch_threads=*/false, [](CLI::App& app) {
       auto options = std::make_shared<SimilarOptions>();
       app.add_option("--model", options->model, "Model bundle directory")
           ->required()
           ->check(CLI::ExistingDirectory);
       app.add_option("--item", options->item, "Item id")->required();
       app.add_option("--k", options->k, "Number of neighbours")->check(CLI::Range(1, 1'000'000));
       app.callback([options] { run_similar(*options); });
     }});

}  // namespace
