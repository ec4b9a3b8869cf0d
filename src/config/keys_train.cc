// Keys of the train section: loss, negatives, optimiser, schedule and stopping.
#include "config/registry.h"

namespace towerrec::config {
namespace {

std::vector<Field<TaskSpec>> build_task_fields() {
  std::vector<Field<TaskSpec>> fields;
  FieldBuilder<TaskSpec, TaskSpec> f(&fields, "", [](TaskSpec& s) -> TaskSpec& { return s; });
  f.add("name", &TaskSpec::name, any_value(), "Unique name of the task (required).");
  f.add("label_column", &TaskSpec::label_column, any_value(),
        "Interactions column holding the task's label; an empty cell means the row has no "
        "label for this task (required).");
  f.add("threshold", &TaskSpec::threshold, any_value(),
        "Label values >= threshold are positives, smaller values negatives.");
  f.add("weight", &TaskSpec::weight, at_least(0),
        "Weight of the task's binary cross-entropy in the training loss.");
  return fields;
}

}  // namespace

const std::vector<Field<TaskSpec>>& task_fields() {
  static const std::vector<Field<TaskSpec>> fields = build_task_fields();
  return fields;
}

void register_train_keys(ConfigRegistry& registry) {
  auto train = registry.section("train", &Config::train,
                                "The training loop: loss, negative sampling, optimiser, "
                                "learning-rate schedule, early stopping and checkpoints. "
                                "Task heads are listed under `train.tasks` (see below).");
  // loss and negatives name entries of the trainer's registries (names checked here, at load).
  train.add("loss", &TrainConfig::loss, one_of(loss_choices()),
            "Loss registry name: softmax (in-batch sampled softmax), bce (binary "
            "cross-entropy), cosine (cosine embedding), margin (triplet margin ranking), "
            "pairwise (BPR) or batch_hard (soft-margin batch-hard triplet).");
  train.add("negatives", &TrainConfig::negatives, one_of(sampler_choices()),
            "Negative sampler registry name: auto (uniform for losses that take sampled "
            "negatives, in_batch for the others), in_batch (the batch's other items), uniform, "
            "popularity (count^alpha), mixed (in_batch plus shared uniform items) or hard "
            "(the model's top-ranked semi-hard non-positives).");
  train.add("num_negatives", &TrainConfig::num_negatives, between(0, 10000),
            "Negatives per positive for losses that score sampled negatives (e.g. bce).");
  train.add("popularity_alpha", &TrainConfig::popularity_alpha, between(0, 1),
            "Exponent of item counts for the popularity sampler.");
  train.add("mixed_negatives", &TrainConfig::mixed_negatives, between(1, 100000),
            "Uniform items drawn once per batch and shared by all its rows (mixed sampler).");
  train.add("hard_refresh_steps", &TrainConfig::hard_refresh_steps, between(1, 1000000),
            "Training steps between re-minings of hard negatives from the model (hard "
            "sampler; also re-mined at the start of every epoch).");
  train.add("hard_negative_share", &TrainConfig::hard_negative_share, between(0, 1),
            "Share of a row's negatives drawn from its hard pool; the rest are uniform.");
  train.add("hard_pool", &TrainConfig::hard_pool, between(1, 100000),
            "Top-ranked non-positive items kept per user to draw hard negatives from, among "
            "those scored no higher than the user's lowest-scored positive (semi-hard).");
  train.add("positive_weight", &TrainConfig::positive_weight, at_least(0),
            "Weight of positives relative to negatives in bce (0 = automatic: the negatives "
            "per positive, so both classes weigh the same in total).");
  train.add("margin", &TrainConfig::margin, between(0, 2),
            "Cosine margin of the cosine, margin and batch_hard losses: cosine pushes negative "
            "pairs below it, margin and batch_hard want positives this much above negatives "
            "(batch_hard on logits: margin / model.temperature).");
  train.add("logq_correction", &TrainConfig::logq_correction, any_value(),
            "Subtract log sampling probability from scores of sampled items.");
  train.add("popularity_boost", &TrainConfig::popularity_boost, between(0, 2),
            "A popularity prior on item scores: the learned scores carry this times log(item "
            "training frequency) more popularity than the loss's optimum (trades novelty and "
            "coverage for accuracy when popular items are what users go on to consume). Used "
            "by the losses on logits (softmax, bce, pairwise, batch_hard); the cosine-margin "
            "losses (cosine, margin) ignore it with a warning.");
  train.add("mask_accidental_hits", &TrainConfig::mask_accidental_hits, any_value(),
            "Ignore sampled negatives that are the row's own positive.");
  train.add("explicit_negatives", &TrainConfig::explicit_negatives, between(0, 64),
            "softmax loss: up to this many of the row's user's explicit negatives (a "
            "thumbs-down, data/interaction_label rule) join the row's candidates as extra "
            "negatives, without logQ correction (0 = off). The losses on sampled negatives "
            "always put one in slot 0.");
  train.add("optimizer", &TrainConfig::optimizer, any_value(), "Optimiser.");
  train.add("learning_rate", &TrainConfig::learning_rate, open_interval(0, 10),
            "Initial step size.");
  train.add("weight_decay", &TrainConfig::weight_decay, at_least(0),
            "L2 penalty (adam) or decoupled decay (adamw).");
  train.add("sparse_embeddings", &TrainConfig::sparse_embeddings, any_value(),
            "Update only the embedding rows a batch touches.");
  train.add("batch_size", &TrainConfig::batch_size, between(2, 1 << 20),
            "Positive interactions per batch.");
  train.add("epochs", &TrainConfig::epochs, between(1, 100000),
            "Maximum passes over the "
            "training set.");
  train.add("early_stopping", &TrainConfig::early_stopping, any_value(),
            "Stop when the validation metric has not improved for `patience` epochs.");
  train.add("patience", &TrainConfig::patience, at_least(1),
            "Epochs without improvement before stopping.");
  train.add("metric", &TrainConfig::metric, any_value(),
            "Validation ranking metric for early stopping and the best checkpoint.");
  train.add("metric_k", &TrainConfig::metric_k, at_least(1), "Cut-off of that metric.");
  train.add("validation_users", &TrainConfig::validation_users, at_least(0),
            "Users evaluated per validation (0 = all, else a fixed random sample), by the "
            "two-tower training and the collaborative (BPR) fit.");
  train.add("schedule", &TrainConfig::schedule, any_value(),
            "Learning-rate schedule: constant, halve on plateau, or cosine decay.");
  train.add("clip_grad_norm", &TrainConfig::clip_grad_norm, at_least(0),
            "Clip the gradient norm to this (0 = off).");
  train.add("threads", &TrainConfig::threads, between(0, 256), "CPU threads (0 = all cores).");
  train.add("seed", &TrainConfig::seed, any_value(), "Seed of initialisation and sampling.");
  train.add("max_seconds", &TrainConfig::max_seconds, at_least(0),
            "Stop after this many seconds of training (0 = no budget). The collaborative "
            "(BPR) fit gets what reading the data and the two-tower training leave of it, "
            "and the refit what the first fit leaves (split the same way), each at least "
            "a tenth.");
  train.add("checkpoint_every", &TrainConfig::checkpoint_every, at_least(0),
            "Epochs between resumable checkpoints (0 = off).");
  train.add("collaborative", &TrainConfig::collaborative, any_value(),
            "Also fit the collaborative part of the serving blend and save it in the bundle "
            "(ease/ or bpr/, train.collaborative_model).");
  train.add("collaborative_model", &TrainConfig::collaborative_model, any_value(),
            "The collaborative part: ease (closed-form item-item weights, dense in items "
            "squared; lambda chosen on the validation part), bpr (matrix-factorisation "
            "factors), or auto: ease up to train.ease.max_items items, bpr above.");
  train.add("refit", &TrainConfig::refit, any_value(),
            "Once early stopping has chosen the best epoch on the validation part, train on "
            "training + validation: the towers continue from the best epoch's weights for a "
            "fifth of its epochs, the BPR factors train again for their chosen epochs (the "
            "bundle records it); the blend weights are fitted before, on the validation "
            "part.");
  // One set of BPR options: the bundle's collaborative factors are the evaluated bpr row.
  auto bpr = train.nested("bpr", &TrainConfig::bpr);
  bpr.add("factors", &BprConfig::factors, between(1, 4096),
          "BPR (collaborative factors and the bpr baseline): latent factors per user and item.");
  bpr.add("learning_rate", &BprConfig::learning_rate, greater_than(0),
          "BPR: Adam's initial step size (halved on a validation plateau).");
  bpr.add("regularization", &BprConfig::regularization, at_least(0),
          "BPR: L2 penalty on the factors and biases a batch touches.");
  bpr.add("batch_size", &BprConfig::batch_size, between(1, 1 << 20),
          "BPR: (user, positive, negative) triples per Adam step.");
  bpr.add("epochs", &BprConfig::epochs, between(1, 100000),
          "BPR: maximum passes over the training positives.");
  bpr.add("patience", &BprConfig::patience, between(1, 100000),
          "BPR: epochs without a better validation metric (train.metric) before stopping.");
  auto ease = train.nested("ease", &TrainConfig::ease);
  ease.add("lambda", &EaseConfig::lambda, at_least(0),
           "EASE (the collaborative part): the L2 penalty of the item-item weights; 0 "
           "chooses it on the validation part (from 400, doubling or halving while the "
           "validation metric improves; 400 without a validation part).");
  ease.add("max_items", &EaseConfig::max_items, between(1, 100000),
           "EASE: the largest catalogue it fits (memory and time grow with items squared: "
           "at 9,700 items 2.9 GB peak, 30 s a fit on 2 cores, 3 fits to choose lambda, "
           "376 MB in the bundle); auto picks BPR above it.");
  auto warm = train.nested("warm_start", &TrainConfig::warm_start);
  warm.add("replay_ratio", &WarmStartConfig::replay_ratio, between(0, 1000),
           "Warm start (train --from BUNDLE): training events of pairs the base model has "
           "not seen are all kept; of the others, this many per new event are drawn at "
           "random (seeded by train.seed) and replayed (0 = new events only).");
  warm.add("epochs", &WarmStartConfig::epochs, between(0, 100000),
           "Warm start: passes over the new and replayed events (0 = train.epochs). The base "
           "has converged; more passes over a small recent sample pull it away from what it "
           "knew (docs/learning-loop.md has the measurement behind the default).");
}

}  // namespace towerrec::config
