// Keys of the serve section: the HTTP server and the hybrid blend.
#include "config/registry.h"

namespace towerrec::config {

void register_serve_keys(ConfigRegistry& registry) {
  auto serve = registry.section("serve", &Config::serve,
                                "The HTTP server: address, limits, admin access, the feedback "
                                "database and the weights of the hybrid blend.");
  serve.add("host", &ServeConfig::host, any_value(), "Address to listen on.");
  serve.add("port", &ServeConfig::port, between(0, 65535), "TCP port (0 = any free port).");
  serve.add("threads", &ServeConfig::threads, between(1, 1024), "Request worker threads.");
  serve.add("admin_token", &ServeConfig::admin_token, any_value(),
            "Token for admin routes (\"\" = env TOWERREC_ADMIN_TOKEN, else open).");
  serve.add("model_root", &ServeConfig::model_root, any_value(),
            "Bundles are only loaded from below this folder; relative to the folder holding "
            "the bundle `towerrec serve --model` names. Training configs named by path, and "
            "the data they read, must be below it too (or below `towerrec serve "
            "--config-root`).");
  serve.add("database", &ServeConfig::database, any_value(),
            "SQLite file for posted users, items and events; relative to serve.model_root, "
            "never to the working directory. The folder <database>.items beside it keeps "
            "the posted items' vectors and index for a fast restart.");
  serve.add("config_root", &ServeConfig::config_root, any_value(),
            "Training configs named by path, and the data they read, must be below this "
            "folder (\"\" = serve.model_root); relative to the folder holding the bundle, "
            "like serve.model_root. `towerrec serve --config-root` overrides it.");
  serve.add("max_connections_per_address", &ServeConfig::max_connections_per_address,
            between(1, 65536),
            "Open connections one client address may hold; more get 503. `towerrec serve "
            "--max-connections-per-address` overrides it.");
  serve.add("max_body_bytes", &ServeConfig::max_body_bytes, between(1, 1 << 30),
            "Largest accepted request body.");
  serve.add("read_timeout_seconds", &ServeConfig::read_timeout_seconds, greater_than(0),
            "Total time to receive one request (head and body) from its first byte; also "
            "how long an idle keep-alive connection stays open.");
  serve.add("max_limit", &ServeConfig::max_limit, at_least(1),
            "Largest number of recommendations one request may ask for.");
  serve.add("unknown_user", &ServeConfig::unknown_user, any_value(),
            "A recommendation request for a user id the service has never seen: cold_start "
            "serves it from its user_type (when given) or the popular items, reject answers "
            "404.");
  serve.add("access_log", &ServeConfig::access_log, any_value(),
            "One info-level log line per request: method, path, status, latency.");
  serve.add("weight_two_tower", &ServeConfig::weight_two_tower, between(0, 1e6),
            "Blend weight of the two-tower score.");
  serve.add("weight_collaborative", &ServeConfig::weight_collaborative, between(0, 1e6),
            "Blend weight of the collaborative (co-occurrence) score.");
  serve.add("weight_content", &ServeConfig::weight_content, between(0, 1e6),
            "Blend weight of the content-similarity score.");
  serve.add("fitted_weights", &ServeConfig::fitted_weights, any_value(),
            "Blend with the weights `towerrec train` fitted on the validation part (the "
            "bundle's blend.json) when the bundle has them; false: the weight_* keys apply.");
  serve.add("overfetch", &ServeConfig::overfetch, between(1, 1000),
            "Candidates fetched per algorithm: limit * overfetch + the excluded items, so "
            "that filtering seen and excluded items still leaves `limit` to blend.");
  auto update = serve.nested("update", &ServeConfig::update);
  update.add("every", &UpdateConfig::every, any_value(),
             "Scheduled model updates: time between two (seconds, or a number with s, m, h "
             "or d: \"30m\", \"1d\"); 0 = off. Each trains a candidate on the data files "
             "and the store's users, items and events (less the held-out ones) and swaps it "
             "in when the evaluation gate passes (docs/serving.md).");
  update.add("mode", &UpdateConfig::mode, any_value(),
             "full trains from scratch; incremental starts from the live bundle's weights "
             "(warm start).");
  update.add("holdout", &UpdateConfig::holdout, any_value(),
             "The most recent events held out of training to compare the candidate with the "
             "live model: a whole number N (the last N events by time) or a duration (\"1d\": "
             "the events of the last day before the newest one).");
  update.add("tolerance", &UpdateConfig::tolerance, between(-1, 1),
             "The candidate is swapped in when its NDCG@10 on the held-out events is at least "
             "the live model's minus this (negative: it must be better by that much).");
}

}  // namespace towerrec::config
