// `towerrec index build|eval`: builds the ANN index of a bundle's item embeddings and
// stores it in the bundle (<bundle>/index/), or measures an index against exact search
// (recall@K, single-query latency, memory).
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "command.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/bundle_embeddings.h"
#include "towerrec/config.h"
#include "towerrec/error.h"
#include "towerrec/files.h"
#include "towerrec/item_index.h"

namespace {

using towerrec::serve::ItemEmbeddings;

struct IndexOptions {
  std::string model;
  std::string spec;  // "" = the bundle's config (index section), else HNSW32
  int threads = 2;
  int64_t k = 10;
  int64_t queries = 1000;
  bool json = false;
};

std::string default_spec(const std::string& bundle) {
  const std::string config = towerrec::BundleLayout(bundle).config();
  if (!std::filesystem::exists(config)) return towerrec::index_spec_from_config({});
  return towerrec::index_spec_from_config(towerrec::load_config(config).index);
}

// The bundle is written anew with the index (the other files carried over), so its
// manifest lists and checks the index like every other file.
void run_build(const IndexOptions& options) {
  const std::string spec = options.spec.empty() ? default_spec(options.model) : options.spec;
  towerrec::BundleParts parts;
  parts.catalogue = false;
  parts.collaborative = false;
  parts.index_spec = spec;
  parts.index_threads = options.threads;
  // An index needs neither the data nor the config: the defaults do.
  const auto index =
      towerrec::extend_bundle(options.model, options.model, towerrec::Config{}, nullptr, parts);
  std::printf("index %s: %lld items of dim %lld, built in %.2f s, %.1f MiB -> %s\n",
              index->spec().c_str(), static_cast<long long>(index->size()),
              static_cast<long long>(index->dim()), index->build_seconds(),
              index->memory_bytes() / 1048576.0,
              towerrec::BundleLayout(options.model).index_dir().c_str());
}

// Queries: the bundle's user embeddings when present (what serving searches with),
// else the item embeddings themselves.
std::vector<float> eval_queries(const IndexOptions& options, const ItemEmbeddings& items) {
  const std::string users = towerrec::BundleLayout(options.model).user_embeddings();
  std::vector<float> all = items.values;
  if (std::filesystem::exists(users)) {
    const std::string bytes = towerrec::read_file(users);
    towerrec::check(bytes.size() % (sizeof(float) * items.dim) == 0,
                    "'" + users + "' is not a float32 matrix of dim " + std::to_string(items.dim));
    all.resize(bytes.size() / sizeof(float));
    std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char*>(all.data()));
  }
  const size_t rows = std::min<size_t>(all.size() / items.dim, options.queries);
  all.resize(rows * items.dim);
  return all;
}

void run_eval(const IndexOptions& options) {
  towerrec::check(options.k >= 1 && options.queries >= 1, "--k and --queries must be >= 1");
  const ItemEmbeddings items = towerrec::serve::read_item_embeddings(options.model);
  std::unique_ptr<towerrec::ItemIndex> index;
  if (options.spec.empty() && towerrec::serve::bundle_has_index(options.model)) {
    index = towerrec::ItemIndex::load(towerrec::BundleLayout(options.model).index_dir(), items.dim);
  } else {
    const std::string spec = options.spec.empty() ? default_spec(options.model) : options.spec;
    index = towerrec::serve::build_item_index(items, spec, options.threads);
  }
  const auto exact = towerrec::serve::build_item_index(items, "Flat", 1);
  const auto report =
      towerrec::evaluate_index(*index, *exact, eval_queries(options, items), options.k);
  const nlohmann::json out = {{"spec", index->spec()},
                              {"items", index->size()},
                              {"queries", report.queries},
                              {"k", report.k},
                              {"recall_at_k", report.recall_at_k},
                              {"p50_ms", report.p50_ms},
                              {"p99_ms", report.p99_ms},
                              {"mean_ms", report.mean_ms},
                              {"memory_bytes", report.memory_bytes},
                              {"build_seconds", report.build_seconds}};
  if (options.json) {
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::printf(
      "%s over %lld items, %lld queries: recall@%lld %.4f, p50 %.3f ms, p99 %.3f ms, "
      "%.1f MiB, built in %.2f s\n",
      index->spec().c_str(), static_cast<long long>(index->size()),
      static_cast<long long>(report.queries), static_cast<long long>(report.k), report.recall_at_k,
      report.p50_ms, report.p99_ms, report.memory_bytes / 1048576.0, report.build_seconds);
}

void add_common(CLI::App* app, const std::shared_ptr<IndexOptions>& options) {
  app->add_option("--model", options->model, "Model bundle directory")
      ->required()
      ->check(CLI::ExistingDirectory);
  app->add_option("--index", options->spec,
                  "Index spec (Flat, HNSW32[,efc=N][,ef=N], SQ8, FP16); default: the bundle's "
                  "config");
  app->add_option("--threads", options->threads, "Build threads")->check(CLI::Range(1, 64));
}

const bool kIndexRegistered = towerrec::cli::register_command(
    {"index", "Build a bundle's item index, or measure it against exact search",
     /*needs_torch_threads=*/false, [](CLI::App& app) {
       auto options = std::make_shared<IndexOptions>();
       app.require_subcommand(1);
       CLI::App* build = app.add_subcommand("build", "Build the index and store it in the bundle");
       add_common(build, options);
       build->callback([options] { run_build(*options); });
       CLI::App* eval = app.add_subcommand("eval", "Recall@K, latency and memory of the index");
       add_common(eval, options);
       eval->add_option("--k", options->k, "Neighbours per query");
       eval->add_option("--queries", options->queries, "Number of queries");
       eval->add_flag("--json", options->json, "Print the report as JSON");
       eval->callback([options] { run_eval(*options); });
     }});

}  // namespace
