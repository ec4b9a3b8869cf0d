#include "train/checkpoint.h"

#include <filesystem>

#include "towerrec/error.h"
#include "util/fs.h"

namespace towerrec {

namespace {

torch::Tensor scalar(double value) { return torch::tensor(value, torch::kFloat64); }

torch::Tensor history_tensor(const std::vector<EpochRecord>& history) {
  auto t = torch::zeros({static_cast<int64_t>(history.size()), 6}, torch::kFloat64);
  for (size_t r = 0; r < history.size(); ++r) {
    const auto& e = history[r];
    double row[6] = {static_cast<double>(e.epoch), e.loss,   e.val_metric, e.lr,
                     e.examples_per_second,        e.seconds};
    for (int c = 0; c < 6; ++c) t[r][c] = row[c];
  }
  return t;
}

std::vector<EpochRecord> history_from(const torch::Tensor& t) {
  std::vector<EpochRecord> history;
  auto a = t.accessor<double, 2>();
  for (int64_t r = 0; r < t.size(0); ++r) {
    history.push_back(
        EpochRecord{static_cast<int64_t>(a[r][0]), a[r][1], a[r][2], a[r][3], a[r][4], a[r][5]});
  }
  return history;
}

double read_scalar(torch::serialize::InputArchive& archive, const std::string& key) {
  torch::Tensor t;
  archive.read(key, t, /*is_buffer=*/true);
  return t.item<double>();
}

}  // namespace

void save_checkpoint(const std::string& path, TwoTowerNet& net, torch::optim::Optimizer& dense,
                     const SparseRowAdam* sparse, const TrainState& state) {
  torch::serialize::OutputArchive archive, model, optimizer, row_optimizer, best;
  net->save(model);
  dense.save(optimizer);
  if (sparse) sparse->save(row_optimizer);
  for (const auto& [name, value] : state.best_weights) best.write(name, value, true);
  archive.write("model", model);
  archive.write("optimizer", optimizer);
  archive.write("row_optimizer", row_optimizer);
  archive.write("best_weights", best);
  archive.write("has_best", scalar(state.best_weights.empty() ? 0 : 1), true);
  archive.write("epochs_done", scalar(static_cast<double>(state.epochs_done)), true);
  archive.write("lr", scalar(state.lr), true);
  archive.write("schedule_best", scalar(state.schedule_best), true);
  archive.write("schedule_bad_epochs", scalar(static_cast<double>(state.schedule_bad_epochs)),
                true);
  archive.write("best_metric", scalar(state.best_metric), true);
  archive.write("best_epoch", scalar(static_cast<double>(state.best_epoch)), true);
  archive.write("bad_epochs", scalar(static_cast<double>(state.bad_epochs)), true);
  archive.write("elapsed_seconds", scalar(state.elapsed_seconds), true);
  archive.write("history", history_tensor(state.history), true);
  // Temporary file, fsync, rename, fsync of the folder: a crash leaves the previous
  // checkpoint or this one, and the rename survives a power loss.
  write_file_atomic(path, [&archive](std::ostream& out) { archive.save_to(out); });
}

TrainState load_checkpoint(const std::string& path, TwoTowerNet& net,
                           torch::optim::Optimizer& dense, SparseRowAdam* sparse) {
  if (!std::filesystem::exists(path)) {
    throw Error(ErrorCode::kNotFound, "checkpoint " + path + " is missing");
  }
  try {
    torch::serialize::InputArchive archive, model, optimizer, row_optimizer, best;
    archive.load_from(path);
    archive.read("model", model);
    net->load(model);
    archive.read("optimizer", optimizer);
    dense.load(optimizer);
    archive.read("row_optimizer", row_optimizer);
    if (sparse) sparse->load(row_optimizer);
    TrainState state;
    if (read_scalar(archive, "has_best") > 0) {
      archive.read("best_weights", best);
      for (const auto& [name, value] : snapshot_state(*net)) {
        torch::Tensor t;
        best.read(name, t, true);
        state.best_weights.emplace_back(name, t);
      }
    }
    state.epochs_done = static_cast<int64_t>(read_scalar(archive, "epochs_done"));
    state.lr = read_scalar(archive, "lr");
    state.schedule_best = read_scalar(archive, "schedule_best");
    state.schedule_bad_epochs = static_cast<int64_t>(read_scalar(archive, "schedule_bad_epochs"));
    state.best_metric = read_scalar(archive, "best_metric");
    state.best_epoch = static_cast<int64_t>(read_scalar(archive, "best_epoch"));
    state.bad_epochs = static_cast<int64_t>(read_scalar(archive, "bad_epochs"));
    state.elapsed_seconds = read_scalar(archive, "elapsed_seconds");
    torch::Tensor history;
    archive.read("history", history, true);
    state.history = history_from(history);
    return state;
  } catch (const c10::Error& e) {
    throw Error(ErrorCode::kInvalidArgument,
                "checkpoint " + path + " is corrupt or does not match the model configuration: " +
                    e.what_without_backtrace());
  }
}

}  // namespace towerrec
