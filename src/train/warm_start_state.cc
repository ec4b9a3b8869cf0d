#include "train/warm_start_state.h"

#include <filesystem>
#include <memory>
#include <vector>

#include "towerrec/error.h"

namespace towerrec {
namespace {

using torch::serialize::InputArchive;

// `saved` in the shape of `target`: equal shapes as they are; fewer rows fill the first
// rows, the others are zeros or, with keep_added_rows, target's own. Anything else is a
// schema difference.
torch::Tensor fit_rows(const torch::Tensor& saved, const torch::Tensor& target,
                       const std::string& what, bool keep_added_rows = false) {
  if (saved.sizes() == target.sizes()) return saved;
  bool grows = saved.dim() == target.dim() && saved.dim() >= 1 && saved.size(0) < target.size(0);
  for (int64_t d = 1; grows && d < saved.dim(); ++d) grows = saved.size(d) == target.size(d);
  check(grows, what + " has shape " + c10::str(saved.sizes()) + ", the configured model " +
                   c10::str(target.sizes()));
  torch::Tensor out = keep_added_rows ? target.clone() : torch::zeros_like(target);
  out.narrow(0, 0, saved.size(0)).copy_(saved);
  return out;
}

// A parameter or buffer of a module saved whole (Module::save nests one archive per
// submodule) or of the flat best-weights archive (dotted names).
torch::Tensor read_tensor(InputArchive& archive, const std::string& name, bool nested, bool buffer,
                          const std::string& source) {
  std::vector<std::string> path;
  if (nested) {
    for (size_t start = 0, dot = 0; dot != std::string::npos; start = dot + 1) {
      dot = name.find('.', start);
      path.push_back(name.substr(start, dot == std::string::npos ? dot : dot - start));
    }
  } else {
    path.push_back(name);
  }
  InputArchive* at = &archive;
  std::vector<std::unique_ptr<InputArchive>> chain;
  for (size_t k = 0; k + 1 < path.size(); ++k) {
    chain.push_back(std::make_unique<InputArchive>());
    check(at->try_read(path[k], *chain.back()), source + " has no '" + name + "'");
    at = chain.back().get();
  }
  torch::Tensor t;
  check(at->try_read(path.back(), t, buffer), source + " has no '" + name + "'");
  return t;
}

void load_weights(InputArchive& archive, TwoTowerNet& net, const std::string& source) {
  torch::Tensor has_best;
  archive.read("has_best", has_best, true);
  const bool best = has_best.item<double>() > 0;
  InputArchive weights;
  archive.read(best ? "best_weights" : "model", weights);
  torch::NoGradGuard no_grad;
  for (bool buffer : {false, true}) {
    auto named = buffer ? net->named_buffers() : net->named_parameters();
    for (auto& item : named) {
      const torch::Tensor saved = read_tensor(weights, item.key(), !best, best || buffer, source);
      // Added rows keep their fresh initialisation (added moments start at zero).
      item.value().copy_(fit_rows(saved, item.value(), source + ": '" + item.key() + "'",
                                  /*keep_added_rows=*/true));
    }
  }
}

template <typename State>
bool grow_state(torch::optim::OptimizerParamState* base, const torch::Tensor& param,
                const std::string& what) {
  auto* state = dynamic_cast<State*>(base);
  if (!state) return false;
  state->exp_avg(fit_rows(state->exp_avg(), param, what));
  state->exp_avg_sq(fit_rows(state->exp_avg_sq(), param, what));
  if (state->max_exp_avg_sq().defined()) {
    state->max_exp_avg_sq(fit_rows(state->max_exp_avg_sq(), param, what));
  }
  return true;
}

// Optimizer::load restores the saved moments whatever their shape; tables that grew get
// theirs padded with zero rows.
void grow_dense_state(torch::optim::Optimizer& dense, const std::string& source) {
  for (auto& group : dense.param_groups()) {
    for (const auto& param : group.params()) {
      auto it = dense.state().find(c10::guts::to_string(param.unsafeGetTensorImpl()));
      if (it == dense.state().end()) continue;
      const std::string what =
          source + ": optimiser state of a " + c10::str(param.sizes()) + " parameter";
      check(grow_state<torch::optim::AdamParamState>(it->second.get(), param, what) ||
                grow_state<torch::optim::AdamWParamState>(it->second.get(), param, what),
            source + ": the optimiser state is not Adam's or AdamW's");
    }
  }
}

}  // namespace

void load_warm_start(const std::string& checkpoint, TwoTowerNet& net,
                     torch::optim::Optimizer& dense, SparseRowAdam* sparse) {
  if (!std::filesystem::exists(checkpoint)) {
    throw Error(ErrorCode::kNotFound, "warm start: checkpoint " + checkpoint + " is missing");
  }
  const std::string source = "warm start from " + checkpoint;
  try {
    InputArchive archive, optimizer, row_optimizer;
    archive.load_from(checkpoint);
    load_weights(archive, net, source);
    archive.read("optimizer", optimizer);
    dense.load(optimizer);
    grow_dense_state(dense, source);
    if (sparse) {
      archive.read("row_optimizer", row_optimizer);
      sparse->load_grown(row_optimizer);
    }
  } catch (const c10::Error& e) {
    throw Error(ErrorCode::kInvalidArgument, source +
                                                 ": the checkpoint is corrupt or does not "
                                                 "match the model configuration: " +
                                                 e.what_without_backtrace());
  }
}

}  // namespace towerrec
