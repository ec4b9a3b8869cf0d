// towerrec train: config -> data pipeline (grown from a base bundle with --from) -> build_bundle
// (training, catalogue, collaborative part, optional index) -> model bundle.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>

#include <spdlog/spdlog.h>

#include "command.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/config.h"
#include "towerrec/distributed.h"
#include "towerrec/error.h"
#include "towerrec/model.h"
#include "towerrec/pipeline.h"
#include "towerrec/runtime.h"
#include "towerrec/serving.h"
#include "towerrec/store.h"
#include "towerrec/store_tables.h"

namespace towerrec::cli {
namespace {

struct TrainCommandOptions {
  std::string config;
  std::vector<std::string> overrides;
  std::string output;
  std::string index;  // index/ of this spec; "" = none
  bool resume = false;
  int nproc = 0;  // > 0: start this many local ranks
  double dist_timeout = kDefaultDistributedTimeout;
  std::string from;    // base bundle of a warm start; "" = from scratch
  std::string events;  // a server database whose events, users and items join the data
};

// The extra tables of --events: the database must exist (opening would create it).
InputTables event_tables(const Config& config, const std::string& database) {
  if (database.empty()) return {};
  check(std::filesystem::is_regular_file(database),
        "--events: database '" + database + "' does not exist");
  Store store(database);
  return store_input_tables(config, store);
}

void run_train(const TrainCommandOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  Config config = load_config(o.config, o.overrides);
  const DistributedEnv env = distributed_env_from_environment();
  if (env.world_size > 1) {  // every rank logs to the same terminal
    spdlog::set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%^%l%$] [rank " + std::to_string(env.rank) +
                        "] %v");
  }
  if (env.world_size > 1 && config.train.refit) {
    // Every rank must run the same passes, and the replicas run one.
    spdlog::info(
        "train.refit is off in data-parallel runs: the bundle holds the early-stopped fit");
    config.train.refit = false;
  }
  if (o.nproc > 0) {
    check(env.world_size == 1, "--nproc starts its own ranks: unset WORLD_SIZE to use it");
    launch_local_workers(o.nproc, o.dist_timeout);
    return;
  }
  int64_t threads = configure_threads(config.train.threads);
  spdlog::info("reading data ({} compute threads)", threads);
  // A warm start checks the base's schema before reading anything.
  const InputTables tables = event_tables(config, o.events);
  PipelineOutput data =
      o.from.empty() ? build_dataset(config, tables)
                     : build_warm_start_dataset(config, read_warm_start_base(o.from), tables);
  spdlog::info("{} users, {} items, {} training / {} validation / {} test interactions",
               data.dataset.users.size(), data.dataset.items.size(), data.dataset.train.size(),
               data.dataset.validation.size(), data.dataset.test.size());
  spdlog::info(
      "loss {}, negatives {}, batch {}, learning rate {}, up to {} epochs, {}-d "
      "embeddings; the applied configuration is saved as {}/config.yaml",
      config.train.loss, config.train.negatives, config.train.batch_size,
      config.train.learning_rate, config.train.epochs, config.model.embedding_dim, o.output);
  BuildBundleOptions options;
  options.train.resume = o.resume;
  options.parts.index_spec = o.index;
  options.started = started;
  options.warm_start_from = o.from;
  options.fit_blend = serve::blend_fitter();
  options.rebuild_data = [&tables](const Config& refit) { return build_dataset(refit, tables); };
  if (env.world_size > 1) {
    join_process_group(env, o.dist_timeout);
    if (env.rank > 0) {  // rank 0 writes the bundle; the others train their replica
      options.train.progress = false;
      if (!o.from.empty()) {  // the same plan as rank 0's build_bundle makes
        WarmStartPlan warm = plan_warm_start(config, data, read_warm_start_base(o.from));
        options.train.warm_start_checkpoint = warm.checkpoint;
        options.train.train_rows = std::move(warm.train_rows);
      }
      train_replica(config, data, o.output, options.train);
      return;
    }
  }
  const BuiltBundle built = build_bundle(config, data, o.output, options);
  const TrainResult& result = built.training;
  std::cout << "model " << built.model_version << " written to " << built.dir << ": "
            << result.epochs_run << " epochs, best epoch " << result.best_epoch;
  if (!std::isnan(result.best_metric)) {
    std::cout << ", validation " << result.metric_name << " " << result.best_metric;
  }
  std::cout << (result.timed_out ? " (time budget reached)" : "") << ", " << result.seconds << " s";
  if (result.refit_epochs > 0) {
    std::cout << "; refitted on training + validation for " << result.refit_epochs << " epochs, "
              << result.refit_seconds << " s";
  }
  if (built.blend) {
    const BlendWeights& w = built.blend->weights;
    std::cout << "; blend weights two_tower " << w.two_tower << ", collaborative "
              << w.collaborative << ", content " << w.content << " (validation "
              << built.blend->metric << " " << built.blend->validation << ")";
  }
  std::cout << "\n";
}

const bool kTrainRegistered = register_command(
    {"train", "Train a two-tower model and write a model bundle", true, [](CLI::App& app) {
       auto options = std::make_shared<TrainCommandOptions>();
       app.add_option("--config", options->config, "Experiment YAML file")->required();
       app.add_option("--set", options->overrides, "Override a key: section.key=value")
           ->allow_extra_args(false);
       app.add_option("--output", options->output, "Model bundle directory to write")->required();
       app.add_option("--index", options->index,
                      "Also build the item index of this spec into the bundle (e.g. HNSW32)");
       app.add_flag("--resume", options->resume, "Continue from the output's checkpoint");
       app.add_option("--nproc", options->nproc,
                      "Train data-parallel on this many local processes (docs/distributed.md)")
           ->check(CLI::Range(1, 1024));
       app.add_option("--dist-timeout", options->dist_timeout,
                      "Data-parallel runs: seconds a rank waits for the others at the "
                      "rendezvous and in every exchange")
           ->check(CLI::PositiveNumber);
       app.add_option("--from", options->from,
                      "Warm start from this model bundle: grow its vocabularies, start from "
                      "its weights and optimiser state, train on new events plus a replay "
                      "sample (train.warm_start)");
       app.add_option("--events", options->events,
                      "Server database (serve.database): its events, users and items are read "
                      "after the data files");
       app.callback([options] { run_train(*options); });
     }});

}  // namespace
}  // namespace towerrec::cli
