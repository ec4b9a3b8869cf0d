// `towerrec serve`: loads a model bundle, replays the database's users, items and
// events into the service, and serves the HTTP API (docs/api.md) until SIGINT or
// SIGTERM. Settings come from the serve section of the configuration
// (--config, else the bundle's own config.yaml) with --set overrides.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <malloc.h>
#include <pthread.h>

#include "command.h"
#include "towerrec/bundle.h"
#include "towerrec/config.h"
#include "towerrec/http_server.h"
#include "towerrec/model_updates.h"
#include "towerrec/runtime.h"
#include "towerrec/serving.h"
#include "towerrec/store.h"

namespace {

struct ServeOptions {
  std::string model;
  std::string config;
  std::vector<std::string> overrides;
  std::string host;
  int port = -1;
  std::string config_root;                  // "" = serve.config_root
  int64_t max_connections_per_address = 0;  // 0 = serve.max_connections_per_address
};

towerrec::Config serve_config(const ServeOptions& options) {
  const std::string path =
      options.config.empty() ? towerrec::BundleLayout(options.model).config() : options.config;
  towerrec::Config config = towerrec::load_config(path, options.overrides);
  if (!options.host.empty()) config.serve.host = options.host;
  if (options.port >= 0) config.serve.port = options.port;
  // Relative serve paths are taken from the folder holding the bundle, never from
  // wherever the server happens to start (a towerrec.db there, bundles loaded from it).
  namespace fs = std::filesystem;
  const fs::path bundle_parent = fs::canonical(options.model).parent_path();
  if (fs::path(config.serve.model_root).is_relative()) {
    config.serve.model_root = (bundle_parent / config.serve.model_root).lexically_normal().string();
  }
  if (!config.serve.config_root.empty() && fs::path(config.serve.config_root).is_relative()) {
    config.serve.config_root =
        (bundle_parent / config.serve.config_root).lexically_normal().string();
  }
  if (!options.config_root.empty()) config.serve.config_root = options.config_root;
  if (options.max_connections_per_address > 0) {
    config.serve.max_connections_per_address = options.max_connections_per_address;
  }
  if (fs::path(config.serve.database).is_relative()) {
    config.serve.database = (fs::path(config.serve.model_root) / config.serve.database).string();
  }
  return config;
}

// Blocks SIGINT/SIGTERM (stop) and SIGUSR1 (run a model update now) in every thread
// (the server's threads inherit the mask); the calling thread waits for them.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// SIGUSR1: one scheduled update at once (as serve.update configures it, timer or not).
void run_update_now(towerrec::serve::ModelUpdater& updates) {
  try {
    const towerrec::ModelRecord record = updates.run_once();
    std::printf("model update (%s): %s %s (%s), %.1f s\n", record.mode.c_str(),
                record.version.c_str(), record.decision.c_str(), record.reason.c_str(),
                record.metrics.count("seconds") ? record.metrics.at("seconds") : 0.0);
  } catch (const std::exception& e) {
    std::printf("model update failed: %s\n", e.what());
  }
  std::fflush(stdout);
}

// The posted items' snapshot lives beside the database (serve/items_snapshot.h).
std::string items_snapshot_path(const towerrec::Config& config) {
  return config.serve.database + ".items";
}

void run_serve(const ServeOptions& options) {
  const towerrec::Config config = serve_config(options);
  towerrec::configure_threads(1);  // parallelism comes from concurrent requests
  const sigset_t signals = block_stop_signals();
  towerrec::Store store(config.serve.database);
  const auto service = towerrec::serve::make_tower_service(config, &store);
  const std::string requested = std::filesystem::canonical(options.model).string();
  const std::string bundle = towerrec::serve::startup_bundle(store, requested);
  if (bundle != requested) {
    std::printf("serving the registry's newer accepted model %s instead of --model\n",
                bundle.c_str());
  }
  const std::string version = service->load_model(bundle);
  towerrec::serve::mark_live(store, version, bundle, "startup");
  const std::string snapshot = items_snapshot_path(config);
  const towerrec::RestoreCounts restored = towerrec::restore_service(store, *service, snapshot);
  std::printf("restored from %s: %lld users, %lld items%s, %lld events (%lld skipped)\n",
              config.serve.database.c_str(), static_cast<long long>(restored.users),
              static_cast<long long>(restored.items),
              restored.items_from_snapshot ? " (from the items snapshot)" : "",
              static_cast<long long>(restored.events), static_cast<long long>(restored.skipped));
  malloc_trim(0);  // the restore's parsing buffers: hand them back before serving
  auto server_options = towerrec::http::ServerOptions::from_config(config.serve);
  towerrec::http::HttpServer server(server_options, *service, store);
  const int port = server.start();
  towerrec::serve::ModelUpdater updates(config, *service, store);
  updates.start();
  const auto status = service->status();
  std::printf("serving %s (%s index, %lld items) on http://%s:%d\n", version.c_str(),
              status.index_kind.c_str(), static_cast<long long>(status.index_size),
              config.serve.host.c_str(), port);
  std::fflush(stdout);
  int received = 0;
  while (sigwait(&signals, &received) == 0 && received == SIGUSR1) run_update_now(updates);
  server.stop();
  try {  // after the last request, so the next start reads the items instead of embedding
    if (const int64_t saved = towerrec::save_items_snapshot(store, *service, snapshot)) {
      std::printf("items snapshot of %lld posted items up to date in %s\n",
                  static_cast<long long>(saved), snapshot.c_str());
    }
  } catch (const std::exception& e) {
    std::printf("items snapshot not saved: %s\n", e.what());
  }
}

const bool kServeRegistered = towerrec::cli::register_command(
    {"serve", "Serve a model bundle over HTTP", /*needs_torch_threads=*/true, [](CLI::App& app) {
       auto options = std::make_shared<ServeOptions>();
       app.add_option("--model", options->model, "Model bundle directory")
           ->required()
           ->check(CLI::ExistingDirectory);
       app.add_option("--config", options->config,
                      "Configuration (YAML); default: the bundle's config.yaml")
           ->check(CLI::ExistingFile);
       app.add_option("--set", options->overrides, "Override a key: --set serve.threads=16")
           ->allow_extra_args(false);
       app.add_option("--host", options->host, "Address to bind (default serve.host)");
       app.add_option("--port", options->port, "Port (default serve.port; 0 = any free port)")
           ->check(CLI::Range(0, 65535));
       app.add_option("--config-root", options->config_root,
                      "Training configs named by path, and the data they read, must be below "
                      "this folder (default: serve.config_root, else serve.model_root)")
           ->check(CLI::ExistingDirectory);
       app.add_option("--max-connections-per-address", options->max_connections_per_address,
                      "Open connections one client address may hold; more get 503 (default: "
                      "serve.max_connections_per_address, 64)")
           ->check(CLI::Range(1, 65536));
       app.callback([options] { run_serve(*options); });
     }});

}  // namespace
