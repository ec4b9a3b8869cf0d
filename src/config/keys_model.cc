// Keys of the model section: tower shapes, embedding size and score head.
#include "config/registry.h"

namespace towerrec::config {
namespace {

void add_tower_keys(FieldBuilder<Config, TowerConfig> tower, const std::string& side) {
  tower.add("hidden", &TowerConfig::hidden, at_least(1),
            "Widths of the " + side + " tower's hidden layers ([] = one linear projection).");
  tower.add("activation", &TowerConfig::activation, any_value(),
            "Activation after each hidden layer.");
  tower.add("dropout", &TowerConfig::dropout, half_open(0, 1),
            "Dropout probability after each hidden layer.");
  tower.add("dropouts", &TowerConfig::dropouts, half_open(0, 1),
            "Dropout probability per hidden layer ([] = `dropout` after every layer); "
            "as many entries as `hidden`.");
  tower.add("norm", &TowerConfig::norm, any_value(), "Normalisation after each hidden layer.");
}

}  // namespace

void register_model_keys(ConfigRegistry& registry) {
  auto model = registry.section("model", &Config::model,
                                "The two towers: each encodes its features, runs an MLP and "
                                "outputs an L2-normalised embedding; scores are dot products.");
  model.add("embedding_dim", &ModelConfig::embedding_dim, between(1, 4096),
            "Size of the output embeddings of both towers.");
  model.add("temperature", &ModelConfig::temperature, greater_than(0),
            "Scores are divided by this before softmax-type losses.");
  add_tower_keys(model.nested("user_tower", &ModelConfig::user_tower), "user");
  add_tower_keys(model.nested("item_tower", &ModelConfig::item_tower), "item");
  model.add("pair_head", &ModelConfig::pair_head, any_value(),
            "Also train a head scoring concat(user, item) -> MLP -> sigmoid.");
  model.add("pair_head_hidden", &ModelConfig::pair_head_hidden, at_least(1),
            "Hidden widths of the pair head.");
  model.add("task_head_hidden", &ModelConfig::task_head_hidden, at_least(1),
            "Hidden widths of each train.tasks head, an MLP over [user, item, user * item, "
            "compatibility features] ([] = linear).");
}

}  // namespace towerrec::config
