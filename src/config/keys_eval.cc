// Keys of the eval and index sections: ranking evaluation and the item index.
#include "config/registry.h"

namespace towerrec::config {

void register_eval_keys(ConfigRegistry& registry) {
  auto eval = registry.section("eval", &Config::eval,
                               "Offline evaluation on the test split: ranking metrics at "
                               "each cut-off, for the model and the baselines.");
  eval.add("ks", &EvalConfig::ks, at_least(1).not_empty(),
           "Cut-offs of recall@k, ndcg@k, precision@k, hit rate@k.");
  eval.add("baselines", &EvalConfig::baselines, one_of(baseline_choices()),
           "Baseline registry names evaluated with the same protocol, e.g. popularity.");
  eval.add("protocol", &EvalConfig::protocol, any_value(),
           "Rank against all items, or against 99 sampled negatives per test item.");
  eval.add("category_feature", &EvalConfig::category_feature, any_value(),
           "Item categorical or multi_hot feature (e.g. genres) whose values the "
           "category coverage of the lists counts; empty = not measured.");
  eval.add("artist_feature", &EvalConfig::artist_feature, any_value(),
           "Item categorical or multi_hot feature (e.g. artist) whose distinct values per "
           "list give the artist diversity; empty = not measured.");

  auto index = registry.section("index", &Config::index,
                                "The approximate nearest-neighbour index over item embeddings.");
  index.add("spec", &IndexConfig::spec, any_value(),
            "Index factory string: Flat (exact) or HNSW<M> (graph with M links).");
  index.add("ef_search", &IndexConfig::ef_search, at_least(1),
            "HNSW candidate list size at query time (recall vs speed).");
  index.add("ef_construction", &IndexConfig::ef_construction, at_least(1),
            "HNSW candidate list size while building.");
}

}  // namespace towerrec::config
