// Item index benchmark: build time, single-query latency, recall@k against the exact
// Flat index and memory, for each index kind over synthetic low-rank embeddings.
//
//   build/bench/index_bench --items 1000000 --queries 1000 --threads 2
//
// Prints one Markdown table row per configuration (HNSW once per --ef value).
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <numeric>

#include "synthetic_vectors.h"
#include "towerrec/error.h"
#include "towerrec/item_index.h"

namespace {

struct Options {
  int64_t items = 1000000;
  int64_t queries = 1000;
  int64_t dim = 64;
  int64_t factors = 16;
  float noise = 0.3f;
  int64_t k = 10;
  int threads = 2;
  std::string hnsw = "HNSW32,efc=200";
  std::vector<int64_t> efs = {16, 32, 64, 128};
  std::vector<std::string> scans = {"Flat", "SQ8", "FP16"};
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void print_row(const std::string& spec, const towerrec::IndexEvalReport& report) {
  std::printf("| %-22s | %8.1f | %8.3f | %8.3f | %8.3f | %7.4f | %8.1f |\n", spec.c_str(),
              report.build_seconds, report.p50_ms, report.p99_ms, report.mean_ms,
              report.recall_at_k, static_cast<double>(report.memory_bytes) / (1 << 20));
  std::fflush(stdout);
}

std::unique_ptr<towerrec::ItemIndex> build(const Options& options, const std::string& spec,
                                           const std::vector<int64_t>& ids,
                                           const std::vector<float>& items) {
  std::fprintf(stderr, "building %s over %lld items...\n", spec.c_str(),
               static_cast<long long>(options.items));
  auto index = towerrec::ItemIndex::create(spec, options.dim);
  index->add(ids, items, options.threads);
  return index;
}

void run(const Options& options) {
  auto start = std::chrono::steady_clock::now();
  const auto items = towerrec::index::low_rank_vectors(options.items, options.dim, options.factors,
                                                       options.noise, 7, 8);
  const auto queries = towerrec::index::low_rank_vectors(options.queries, options.dim,
                                                         options.factors, options.noise, 7, 9);
  std::vector<int64_t> ids(options.items);
  std::iota(ids.begin(), ids.end(), 0);
  std::fprintf(stderr, "generated data in %.1f s\n", seconds_since(start));

  std::printf(
      "items %lld, dim %lld (%lld factors, noise %.2f), %lld queries, k %lld, "
      "build threads %d, search 1 thread\n\n",
      static_cast<long long>(options.items), static_cast<long long>(options.dim),
      static_cast<long long>(options.factors), options.noise,
      static_cast<long long>(options.queries), static_cast<long long>(options.k), options.threads);
  std::printf("| %-22s | %8s | %8s | %8s | %8s | %7s | %8s |\n", "index", "build s", "p50 ms",
              "p99 ms", "mean ms", "recall", "MiB");
  std::printf("|%s|%s|%s|%s|%s|%s|%s|\n", std::string(24, '-').c_str(),
              "---------:", "---------:", "---------:", "---------:", "--------:", "---------:");
  const auto exact = build(options, "Flat", ids, items);
  for (const auto& spec : options.scans) {
    const auto index = spec == "Flat" ? nullptr : build(options, spec, ids, items);
    const auto& measured = index ? *index : *exact;
    print_row(spec, towerrec::evaluate_index(measured, *exact, queries, options.k));
  }
  const auto hnsw = build(options, options.hnsw, ids, items);
  for (int64_t ef : options.efs) {
    hnsw->set_ef_search(ef);
    print_row(hnsw->spec(), towerrec::evaluate_index(*hnsw, *exact, queries, options.k));
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"Item index benchmark over synthetic low-rank embeddings"};
  app.add_option("--items", options.items, "number of items")->check(CLI::Range(1, 100000000));
  app.add_option("--queries", options.queries, "number of queries")->check(CLI::Range(1, 1000000));
  app.add_option("--dim", options.dim, "embedding width")->check(CLI::Range(1, 4096));
  app.add_option("--factors", options.factors, "latent factors")->check(CLI::Range(1, 4096));
  app.add_option("--noise", options.noise, "noise relative to the factor signal");
  app.add_option("--k", options.k, "results per query")->check(CLI::Range(1, 10000));
  app.add_option("--threads", options.threads, "HNSW build threads")->check(CLI::Range(1, 256));
  app.add_option("--hnsw", options.hnsw, "HNSW spec (ef is swept by --ef)");
  app.add_option("--ef", options.efs, "HNSW search beam widths to measure");
  app.add_option("--scan", options.scans, "scan index specs to measure");
  CLI11_PARSE(app, argc, argv);
  try {
    run(options);
  } catch (const towerrec::Error& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 2;
  }
  return 0;
}
