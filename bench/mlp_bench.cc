// Float32 GEMM throughput of this machine and of a trained model's tower MLPs, with the
// thread settings training uses: towerrec::configure_threads (all cores) for the peak,
// and the training loop's single OpenBLAS thread for the MLPs (towerrec/runtime.h).
//
//   build/bench/mlp_bench --peak-only                       # sgemm peak only
//   build/bench/mlp_bench --model BUNDLE --batch 512,2048    # peak, MLPs, memory model
//
// peak: torch::mm of two --size x --size matrices. For each batch size B and each tower:
// the three GEMMs of every Linear layer at their exact training shapes (forward
// x[B x in] * W^T, grad-input g[B x out] * W, grad-weight g^T * x), then the whole MLP
// (Linear, activation, norm, dropout in training mode) forward and backward. FLOPs per
// example count 2*in*out per Linear layer and pass, 3 passes (forward + backward), one
// user row and (1 + negatives) item rows per example. Timings are split into short
// windows; the median window is reported (the best one too, for the peak). Each timing
// also counts CPU seconds (getrusage, all threads): GFLOP per CPU second against the
// peak's does not depend on how many other processes share the cores, wall GFLOP/s does.
//
// --profile adds LibTorch's op profile of the MLP steps (forward ops and backward
// functions), which is how dropout and batch norm showed up as the MLPs' main costs.
//
// The memory model (--positives N): parameters + Adam state (2 floats per parameter,
// and one double per embedding row with row-wise updates) + the epoch's index arrays
// (user, item, weight per positive and the shuffled order).
#include <CLI/CLI.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include "model/two_tower_net.h"
#include "towerrec/bundle.h"
#include "towerrec/runtime.h"

namespace {

using towerrec::Tower;

struct Options {
  std::string model;
  std::vector<int64_t> batches = {512};
  int64_t negatives = 0;
  int64_t positives = 0;
  int64_t size = 2048;
  int64_t threads = 0;
  int blas_threads = 1;
  double seconds = 2.0;
  bool sparse = true;
  bool peak_only = false;
  bool profile = false;
};

struct Rate {
  double median = 0;  // wall seconds per call, median window
  double best = 0;    // wall seconds per call, fastest window
  double cpu = 0;     // CPU seconds (all threads) per call, median window
};

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + 1e-6 * t.tv_usec; };
  return sec(usage.ru_utime) + sec(usage.ru_stime);
}

// Calls fn for about `seconds`, in windows of ~0.1 s; seconds per call. CPU time per
// call does not depend on how busy the machine is, wall time does.
Rate time_calls(const std::function<void()>& fn, double seconds) {
  using clock = std::chrono::steady_clock;
  fn();  // warm-up: allocations, BLAS buffers, thread start
  auto start = clock::now();
  int64_t per_window = 1;
  for (;;) {  // calibrate: calls per ~0.1 s window
    auto t0 = clock::now();
    for (int64_t k = 0; k < per_window; ++k) fn();
    if (std::chrono::duration<double>(clock::now() - t0).count() > 0.1) break;
    per_window *= 2;
  }
  std::vector<double> walls, cpus;
  while (walls.size() < 3 ||
         std::chrono::duration<double>(clock::now() - start).count() < seconds) {
    auto t0 = clock::now();
    double c0 = cpu_seconds();
    for (int64_t k = 0; k < per_window; ++k) fn();
    double calls = static_cast<double>(per_window);
    cpus.push_back((cpu_seconds() - c0) / calls);
    walls.push_back(std::chrono::duration<double>(clock::now() - t0).count() / calls);
  }
  std::sort(walls.begin(), walls.end());
  std::sort(cpus.begin(), cpus.end());
  return {walls[walls.size() / 2], walls.front(), cpus[cpus.size() / 2]};
}

double gflops(double flops, double seconds) { return flops / seconds / 1e9; }

Rate operator+(const Rate& x, const Rate& y) {
  return {x.median + y.median, x.best + y.best, x.cpu + y.cpu};
}

struct Peak {
  double wall = 0;  // GFLOP/s, median window
  double cpu = 0;   // GFLOP per CPU second
};

Peak measure_peak(const Options& o) {
  auto a = torch::randn({o.size, o.size});
  auto b = torch::randn({o.size, o.size});
  auto c = torch::empty({o.size, o.size});
  Rate r = time_calls([&] { torch::mm_out(c, a, b); }, o.seconds);
  double flops = 2.0 * static_cast<double>(o.size) * o.size * o.size;
  std::printf(
      "sgemm peak: torch::mm %lldx%lld, %lld threads: %.1f GFLOP/s median, %.1f best, "
      "%.1f GFLOP per CPU second\n",
      static_cast<long long>(o.size), static_cast<long long>(o.size),
      static_cast<long long>(torch::get_num_threads()), gflops(flops, r.median),
      gflops(flops, r.best), gflops(flops, r.cpu));
  std::printf("peak_gflops=%.2f peak_best_gflops=%.2f peak_cpu_gflops=%.2f\n",
              gflops(flops, r.median), gflops(flops, r.best), gflops(flops, r.cpu));
  return {gflops(flops, r.median), gflops(flops, r.cpu)};
}

std::vector<torch::nn::LinearImpl*> linear_layers(Tower& tower) {
  std::vector<torch::nn::LinearImpl*> layers;
  for (const auto& child : tower->mlp()->children()) {
    if (auto* linear = child->as<torch::nn::Linear>()) layers.push_back(linear);
  }
  return layers;
}

// Forward FLOPs of one row through the tower's Linear layers.
double forward_flops_per_row(Tower& tower) {
  double flops = 0;
  for (auto* l : linear_layers(tower)) flops += 2.0 * static_cast<double>(l->weight.numel());
  return flops;
}

// The three GEMMs of every Linear layer of the tower at `rows` rows.
Rate time_gemms(Tower& tower, int64_t rows, double seconds) {
  torch::NoGradGuard no_grad;
  Rate total;
  for (auto* l : linear_layers(tower)) {
    int64_t out = l->weight.size(0), in = l->weight.size(1);
    auto x = torch::randn({rows, in}), g = torch::randn({rows, out});
    auto y = torch::empty({rows, out}), gx = torch::empty({rows, in}), gw = torch::empty({out, in});
    auto w = l->weight.detach(), bias = l->bias.detach();
    total = total + time_calls([&] { torch::addmm_out(y, bias, x, w.t()); }, seconds / 6);
    total = total + time_calls([&] { torch::mm_out(gx, g, w); }, seconds / 6);
    total = total + time_calls([&] { torch::mm_out(gw, g.t(), x); }, seconds / 6);
  }
  return total;
}

// Forward + backward of the whole MLP (training mode) at `rows` rows.
Rate time_mlp(Tower& tower, int64_t rows, double seconds) {
  tower->train();
  auto mlp = tower->mlp();
  auto x = torch::randn({rows, tower->input_dim()}).requires_grad_(true);
  auto grad = torch::randn({rows, linear_layers(tower).back()->weight.size(0)});
  return time_calls(
      [&] {
        for (auto& p : mlp->parameters()) p.mutable_grad() = torch::Tensor();
        x.mutable_grad() = torch::Tensor();
        mlp->forward(x).backward(grad);
      },
      seconds);
}

// LibTorch's profiler over `steps` MLP steps: inclusive time of each top-level op
// (forward ops and autograd backward functions), largest first.
void profile_mlp(Tower& tower, int64_t rows, int steps) {
  namespace prof = torch::autograd::profiler;
  tower->train();
  auto mlp = tower->mlp();
  auto x = torch::randn({rows, tower->input_dim()}).requires_grad_(true);
  auto grad = torch::randn({rows, linear_layers(tower).back()->weight.size(0)});
  mlp->forward(x).backward(grad);
  prof::enableProfilerLegacy(
      torch::profiler::impl::ProfilerConfig(torch::profiler::impl::ProfilerState::CPU));
  for (int k = 0; k < steps; ++k) mlp->forward(x).backward(grad);
  auto lists = prof::disableProfilerLegacy();
  std::map<std::string, double> total_us;
  double all_us = 0;
  for (const auto& list : lists) {
    std::vector<const prof::LegacyEvent*> open;
    for (const auto& e : list) {
      if (e.kind() == prof::EventKind::PushRange) open.push_back(&e);
      if (e.kind() != prof::EventKind::PopRange || open.empty()) continue;
      const auto* start = open.back();
      open.pop_back();
      if (!open.empty()) continue;
      double us = start->cpuElapsedUs(e);
      total_us[start->name()] += us;
      all_us += us;
    }
  }
  std::vector<std::pair<double, std::string>> ops;
  for (const auto& [name, us] : total_us) ops.emplace_back(us, name);
  std::sort(ops.rbegin(), ops.rend());
  std::printf("\nprofile, %lld rows, per step (top-level ops):\n", static_cast<long long>(rows));
  for (const auto& [us, name] : ops) {
    std::printf("  %8.1f us %5.1f%%  %s\n", us / steps, 100 * us / all_us, name.c_str());
  }
}

void print_layers(const char* name, Tower& tower) {
  std::printf("%s tower MLP (input %lld):", name, static_cast<long long>(tower->input_dim()));
  for (auto* l : linear_layers(tower)) {
    std::printf(" %lldx%lld", static_cast<long long>(l->weight.size(1)),
                static_cast<long long>(l->weight.size(0)));
  }
  std::printf("\n");
}

void measure_mlps(const Options& o, towerrec::TwoTowerNet& net, const Peak& peak) {
  double user_flops = forward_flops_per_row(net->user_tower);
  double item_flops = forward_flops_per_row(net->item_tower);
  double per_example = 3.0 * (user_flops + static_cast<double>(1 + o.negatives) * item_flops);
  print_layers("user", net->user_tower);
  print_layers("item", net->item_tower);
  std::printf("mlp_flops_per_example=%.0f (forward + backward)\n\n", per_example);
  std::printf(
      "| batch | part | GFLOP/s | %% of peak | GFLOP per CPU s | %% of peak per CPU s | "
      "ms per step |\n|---:|---|---:|---:|---:|---:|---:|\n");
  for (int64_t batch : o.batches) {
    int64_t item_rows = batch * (1 + o.negatives);
    Rate gemm = time_gemms(net->user_tower, batch, o.seconds) +
                time_gemms(net->item_tower, item_rows, o.seconds);
    Rate mlp = time_mlp(net->user_tower, batch, o.seconds) +
               time_mlp(net->item_tower, item_rows, o.seconds);
    double flops = per_example * static_cast<double>(batch);
    for (auto [part, r] : {std::pair{"GEMMs only", gemm}, std::pair{"whole MLPs", mlp}}) {
      std::printf("| %lld | %s | %.1f | %.0f%% | %.1f | %.0f%% | %.2f |\n",
                  static_cast<long long>(batch), part, gflops(flops, r.median),
                  100 * gflops(flops, r.median) / peak.wall, gflops(flops, r.cpu),
                  100 * gflops(flops, r.cpu) / peak.cpu, 1e3 * r.median);
    }
    std::printf(
        "batch=%lld gemm_gflops=%.2f gemm_cpu_gflops=%.2f mlp_gflops=%.2f "
        "mlp_cpu_gflops=%.2f mlp_seconds_per_example=%.4g\n",
        static_cast<long long>(batch), gflops(flops, gemm.median), gflops(flops, gemm.cpu),
        gflops(flops, mlp.median), gflops(flops, mlp.cpu), mlp.median / static_cast<double>(batch));
  }
}

void print_memory_model(const Options& o, towerrec::TwoTowerNet& net) {
  int64_t params = 0, table_rows = 0;
  for (const auto& p : net->parameters()) params += p.numel();
  for (const auto& t : net->embedding_tables()) table_rows += t.size(0);
  double param_bytes = 4.0 * static_cast<double>(params);
  double adam_bytes = 2 * param_bytes + (o.sparse ? 8.0 * static_cast<double>(table_rows) : 0.0);
  // pos users (int64), items (int64), weights (float) and the shuffled order (int64).
  double index_bytes = (8 + 8 + 4 + 8) * static_cast<double>(o.positives);
  double mib = 1 << 20;
  std::printf(
      "\nparameters=%lld parameter_mib=%.1f adam_state_mib=%.1f index_mib=%.1f "
      "model_mib=%.1f\n",
      static_cast<long long>(params), param_bytes / mib, adam_bytes / mib, index_bytes / mib,
      (param_bytes + adam_bytes + index_bytes) / mib);
}

void run(const Options& o) {
  towerrec::configure_threads(o.threads);
  Peak peak = measure_peak(o);
  if (o.peak_only) return;
  towerrec::set_blas_threads(o.blas_threads);  // as the training loop
  auto manifest = towerrec::read_manifest(o.model);
  torch::manual_seed(1);
  towerrec::TwoTowerNet net(manifest.user_schema, manifest.item_schema, manifest.model, o.sparse);
  measure_mlps(o, net, peak);
  if (o.positives > 0) print_memory_model(o, net);
  if (o.profile) {
    profile_mlp(net->user_tower, o.batches.front(), 20);
    profile_mlp(net->item_tower, o.batches.front() * (1 + o.negatives), 20);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"sgemm peak and tower MLP throughput"};
  app.add_option("--model", o.model, "Trained bundle whose tower shapes are measured");
  app.add_option("--batch", o.batches, "Training batch sizes (positives per batch)")
      ->delimiter(',');
  app.add_option("--negatives", o.negatives, "Sampled negatives per positive (item rows)");
  app.add_option("--positives", o.positives, "Training positives, for the memory model");
  app.add_option("--size", o.size, "Square matrix size of the peak measurement");
  app.add_option("--threads", o.threads, "Compute threads (0 = cores), as train.threads");
  app.add_option("--blas-threads", o.blas_threads,
                 "OpenBLAS threads of the MLP measurements (training uses 1)");
  app.add_option("--seconds", o.seconds, "Seconds per measurement");
  app.add_flag("--profile", o.profile, "Print LibTorch's op profile of the MLP steps");
  app.add_flag("--peak-only", o.peak_only, "Measure the sgemm peak only");
  CLI11_PARSE(app, argc, argv);
  if (!o.peak_only && o.model.empty()) {
    std::fprintf(stderr, "error: --model BUNDLE or --peak-only is required\n");
    return 2;
  }
  try {
    run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
