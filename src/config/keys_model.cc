// Keys of the model section: tower shapes, embedding size and score head.
#include "config/registry.h"

namespace towerrec::config {
namespace {

void add_tower_keys(FieldBuilder<Config, TowerConfig> tower, const std::string& side) {
  tower.add("hidden", &TowerConfig::hidden, {256, 128}, at_least(1),
            "Widths of the " + side + " tower's hidden layers ([] = one linear projection).");
  tower.add("activation", &TowerConfig::activation, "relu", one_of({"relu", "gelu", "tanh"}),
            "Activation after each hidden layer.");
  tower.add("dropout", &TowerConfig::dropout, 0.2, half_open(0, 1),
            "Dropout probability after each hidden layer.");
  tower.add("dropouts", &TowerConfig::dropouts, std::vector<double>{}, half_open(0, 1),
            "Dropout probability per hidden layer ([] = `dropout` after every layer); "
            "as many entries as `hidden`.");
  tower.add("norm", &TowerConfig::norm, "batch", one_of({"none", "batch", "layer"}),
            "Normalisation after each hidden layer.");
}

}  // namespace

void register_model_keys(ConfigRegistry& registry) {
  auto model = registry.section("model", &Config::model,
                                "The two towers: each encodes its features, runs an MLP and "
                                "outputs an L2-normalised embedding; scores are dot products.");
  model.add("embedding_dim", &ModelConfig::embedding_dim, 64, between(1, 4096),
            "Size of the output embeddings of both towers.");
  model.add("temperature", &ModelConfig::temperature, 0.1, greater_than(0),
            "Scores are divided by this before softmax-type losses.");
  add_tower_keys(model.nested("user_tower", &ModelConfig::user_tower), "user");
  add_tower_keys(model.nested("item_tower", &ModelConfig::item_tower), "item");
  model.add("pair_head", &ModelConfig::pair_head, false, any_value(),
            "Also train a head scoring concat(user, item) -> MLP -> sigmoid.");
  model.add("pair_head_hidden", &ModelConfig::pair_head_hidden, {64}, at_least(1),
            "Hidden widths of the pair head.");
  model.add("task_head_hidden", &ModelConfig::task_head_hidden, {32}, at_least(1),
            "Hidden widths of each train.tasks head, an MLP over [user, item, user * item, "
            "compatibility features] ([] = linear).");
  model.add("init", &ModelConfig::init, "xavier", any_value(),
            "Initialisation of embedding tables (initialiser name, e.g. xavier).");
}

}  // namespace towerrec::config
