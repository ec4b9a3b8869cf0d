// Data-parallel training: the exchange between two ranks (two threads of this process
// joined over loopback Gloo), and `towerrec train --nproc 2` end to end on the tiny
// two-block data set: equivalence with one process, identical replicas, rendezvous
// failures, a killed rank and --resume.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "data/user_items.h"
#include "serve_bundle_data.h"
#include "test_support.h"
#include "towerrec/distributed.h"
#include "towerrec/model.h"
#include "train/communicator.h"
#include "train/data_parallel.h"
#include "train/loss.h"
#include "train/negative_sampler.h"
#include "train/sparse_row_adam.h"

namespace towerrec {
namespace {

namespace fs = std::filesystem;

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof(addr);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size);
  close(fd);
  return ntohs(addr.sin_port);
}

// Runs body(rank, parallel) on two ranks (threads) joined into one process group.
void on_two_ranks(const std::function<void(int, DataParallel&)>& body) {
  const int port = free_port();
  std::vector<std::string> errors(2);
  auto rank = [&](int r) {
    try {
      DistributedEnv env{r, 2, r, "127.0.0.1", port};
      DataParallel parallel(join_process_group(env, 30));
      body(r, parallel);
    } catch (const std::exception& e) {
      errors[static_cast<size_t>(r)] = e.what();
    }
  };
  std::thread second(rank, 1);
  rank(0);
  second.join();
  set_process_communicator(nullptr);  // the other tests of this process train alone
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
}

// Sets the launcher's variables for one scope; unsets them after.
struct LaunchEnv {
  LaunchEnv(const char* rank, const char* world, const char* addr, const char* port) {
    set("RANK", rank);
    set("WORLD_SIZE", world);
    set("MASTER_ADDR", addr);
    set("MASTER_PORT", port);
  }
  ~LaunchEnv() {
    for (const char* name : {"RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"}) unsetenv(name);
  }
  static void set(const char* name, const char* value) {
    if (value) setenv(name, value, 1);
  }
};

TEST(DistributedEnvTest, ReadsTheLauncherVariablesAndNamesBadOnes) {
  {
    LaunchEnv env(nullptr, nullptr, nullptr, nullptr);
    EXPECT_EQ(distributed_env_from_environment().world_size, 1);
  }
  {
    LaunchEnv env("1", "4", "10.0.0.1", "29500");
    const DistributedEnv d = distributed_env_from_environment();
    EXPECT_EQ(d.rank, 1);
    EXPECT_EQ(d.world_size, 4);
    EXPECT_EQ(d.master_addr, "10.0.0.1");
    EXPECT_EQ(d.master_port, 29500);
  }
  {
    LaunchEnv env("4", "4", "10.0.0.1", "29500");
    EXPECT_NE(testing::error_of([] { distributed_env_from_environment(); }).find("RANK='4'"),
              std::string::npos);
  }
  {
    LaunchEnv env("0", "2", nullptr, "29500");
    EXPECT_NE(testing::error_of([] { distributed_env_from_environment(); }).find("MASTER_ADDR"),
              std::string::npos);
  }
  {
    LaunchEnv env("0", "2", "h", "port");
    EXPECT_NE(
        testing::error_of([] { distributed_env_from_environment(); }).find("MASTER_PORT='port'"),
        std::string::npos);
  }
}

torch::Tensor unit_rows(int64_t rows, int64_t dim) {
  return torch::nn::functional::normalize(torch::randn({rows, dim}),
                                          torch::nn::functional::NormalizeFuncOptions().dim(1));
}

TEST(DataParallelTest, GlobalSoftmaxLossAndGradientsMatchTheConcatenatedBatch) {
  torch::manual_seed(5);
  constexpr int64_t kRows = 8, kDim = 4, kItems = 6, kHalf = kRows / 2;
  const auto user = unit_rows(kRows, kDim), item = unit_rows(kRows, kDim);
  // Item 3 is the positive of a row on each rank: an accidental hit across ranks.
  const auto index = torch::tensor({0, 1, 2, 3, 3, 4, 5, 0}, torch::kInt64);
  const auto users = torch::arange(kRows, torch::kInt64);
  const auto weight = torch::rand({kRows}) + 0.5;
  TrainConfig train;  // logQ correction and hit masking on
  const LossContext context{train, item_log_frequencies({0, 0, 0, 1, 2, 3, 3, 4, 5}, kItems)};
  const auto loss = make_loss("softmax", context);
  auto full_user = user.clone().requires_grad_(), full_item = item.clone().requires_grad_();
  LossInput full;
  full.user = full_user;
  full.item = full_item;
  full.item_index = index;
  full.weight = weight;
  const auto single = loss->forward(full);
  single.backward();
  const UserItems known = UserItems::from_pairs({0}, {0}, kRows, kItems);

  on_two_ranks([&](int rank, DataParallel& parallel) {
    const int64_t from = rank * kHalf;
    auto local_user = user.slice(0, from, from + kHalf).clone().requires_grad_();
    auto local_item = item.slice(0, from, from + kHalf).clone().requires_grad_();
    LossInput local;
    local.user = local_user;
    local.item = local_item;
    local.item_index = index.slice(0, from, from + kHalf);
    local.weight = weight.slice(0, from, from + kHalf);
    const auto global =
        loss->forward(parallel.global_input(local, users.slice(0, from, from + kHalf), known));
    global.backward();
    EXPECT_EQ(parallel.global_rows(), kRows);
    EXPECT_NEAR(global.item<double>(), single.item<double>(), 1e-6);
    EXPECT_TRUE(torch::allclose(local_user.grad(), full_user.grad().slice(0, from, from + kHalf),
                                1e-5, 1e-7));
    EXPECT_TRUE(torch::allclose(local_item.grad(), full_item.grad().slice(0, from, from + kHalf),
                                1e-5, 1e-7));
  });
}

// Every row-aligned field of the batch crosses in the packed gathers: embeddings keep
// autograd to the local rows, indices and weights arrive in rank order, and the
// known-positive mask is rebuilt over the global rows.
TEST(DataParallelTest, GlobalInputCarriesNegativesIndicesWeightsAndMask) {
  torch::manual_seed(3);
  constexpr int64_t kRows = 6, kDim = 3, kNeg = 2, kItems = 5, kHalf = kRows / 2;
  const auto user = unit_rows(kRows, kDim), item = unit_rows(kRows, kDim);
  const auto negatives = torch::randn({kRows, kNeg, kDim});
  const auto index = torch::tensor({0, 1, 2, 3, 4, 0}, torch::kInt64);
  const auto negative_index = torch::randint(kItems, {kRows, kNeg}, torch::kInt64);
  const auto users = torch::tensor({0, 1, 2, 0, 1, 2}, torch::kInt64);
  const auto weight = torch::rand({kRows}) + 0.5;
  const auto coefficient = torch::randn({kRows, kNeg, kDim});
  // User 0 liked items 0 and 3, user 2 item 4.
  const UserItems known = UserItems::from_pairs({0, 0, 2}, {0, 3, 4}, 3, kItems);
  const auto mask = positive_mask(known, {0, 1, 2, 0, 1, 2}, {0, 1, 2, 3, 4, 0});

  on_two_ranks([&](int rank, DataParallel& parallel) {
    const int64_t from = rank * kHalf;
    auto rows = [&](const torch::Tensor& t) { return t.slice(0, from, from + kHalf); };
    auto local_negatives = rows(negatives).clone().requires_grad_();
    LossInput local;
    local.user = rows(user);
    local.item = rows(item);
    local.negatives = local_negatives;
    local.item_index = rows(index);
    local.negative_index = rows(negative_index);
    local.weight = rows(weight);
    local.known_positive = torch::ones({kHalf, kHalf}, torch::kBool);  // asks for the mask
    const LossInput g = parallel.global_input(local, rows(users), known);
    EXPECT_TRUE(torch::equal(g.user, user));
    EXPECT_TRUE(torch::equal(g.item, item));
    EXPECT_TRUE(torch::equal(g.negatives, negatives));
    EXPECT_TRUE(torch::equal(g.item_index, index));
    EXPECT_TRUE(torch::equal(g.negative_index, negative_index));
    EXPECT_TRUE(torch::equal(g.weight, weight));
    EXPECT_TRUE(torch::equal(g.known_positive, mask));
    (g.negatives * coefficient).sum().backward();
    EXPECT_TRUE(torch::equal(local_negatives.grad(), rows(coefficient)));
  });
}

torch::Tensor sparse_rows(const std::vector<int64_t>& rows, const torch::Tensor& values) {
  return torch::sparse_coo_tensor(torch::tensor(rows, torch::kInt64).unsqueeze(0), values, {6, 3});
}

// Two tables travel in one exchange: the second is 2 wide and only rank 0 touches it.
TEST(DataParallelTest, SparseRowsAreSummedAndAppliedIdenticallyOnEveryRank) {
  torch::manual_seed(9);
  const auto start = torch::randn({6, 3}), start_narrow = torch::randn({4, 2});
  // Rank 0 touches rows 1 and 3, rank 1 rows 3 and 5.
  const std::vector<std::vector<int64_t>> rows = {{1, 3}, {3, 5}};
  const std::vector<torch::Tensor> values = {torch::randn({2, 3}), torch::randn({2, 3})};
  const std::vector<torch::Tensor> dense = {torch::randn({2}), torch::randn({2})};
  const auto narrow_values = torch::randn({2, 2});
  auto narrow_rows = [&](int rank) {
    if (rank == 1)
      return torch::sparse_coo_tensor(torch::zeros({1, 0}, torch::kInt64), torch::zeros({0, 2}),
                                      {4, 2});
    return torch::sparse_coo_tensor(torch::tensor({{0, 2}}, torch::kInt64), narrow_values, {4, 2});
  };

  auto reference = start.clone(), reference_narrow = start_narrow.clone();
  SparseRowAdam single({reference, reference_narrow}, {});
  reference.mutable_grad() =
      sparse_rows({1, 3, 3, 5}, torch::cat({values[0], values[1]})).coalesce();
  reference_narrow.mutable_grad() = narrow_rows(0).coalesce();
  single.step();

  std::vector<torch::Tensor> tables(2), narrow(2), dense_grads(2);
  on_two_ranks([&](int rank, DataParallel& parallel) {
    auto table = start.clone(), narrow_table = start_narrow.clone();
    auto bias = torch::zeros({2});
    table.mutable_grad() = sparse_rows(rows[rank], values[rank]);
    narrow_table.mutable_grad() = narrow_rows(rank);
    bias.mutable_grad() = dense[rank].clone();
    parallel.exchange_gradients({table, bias, narrow_table});
    SparseRowAdam adam({table, narrow_table}, {});
    adam.step();
    tables[rank] = table;
    narrow[rank] = narrow_table;
    dense_grads[rank] = bias.grad();
  });
  ASSERT_TRUE(tables[0].defined() && tables[1].defined());
  EXPECT_TRUE(torch::equal(tables[0], tables[1]));
  EXPECT_TRUE(torch::allclose(tables[0], reference, 1e-6, 1e-7));
  EXPECT_TRUE(torch::equal(tables[0][0], start[0]));  // untouched row
  EXPECT_TRUE(torch::equal(narrow[0], narrow[1]));
  EXPECT_TRUE(torch::allclose(narrow[1], reference_narrow, 1e-6, 1e-7));
  EXPECT_TRUE(torch::equal(narrow[1][1], start_narrow[1]));
  EXPECT_FALSE(torch::equal(narrow[1][2], start_narrow[2]));  // rank 0's row reached rank 1
  EXPECT_TRUE(torch::allclose(dense_grads[0], dense[0] + dense[1]));
  EXPECT_TRUE(torch::equal(dense_grads[0], dense_grads[1]));
}

// --- towerrec train --nproc 2 ---

class DistributedCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::towerrec_binary().empty()) << "towerrec is not built";
    config_ = dir_.write("config.yaml", testing::write_block_data(dir_));
  }

  // `towerrec --log-level debug train` on the block data, batch norm and dropout off.
  std::string train_command(const std::string& out, const std::string& extra) const {
    std::string sets;
    for (const char* set :
         {"model.user_tower.norm=none", "model.item_tower.norm=none", "model.user_tower.dropout=0",
          "model.item_tower.dropout=0", "train.epochs=3", "train.collaborative=false"}) {
      sets += std::string(" --set ") + set;
    }
    return testing::towerrec_binary() + " --log-level debug train --config " + config_ +
           " --output " + dir_.path() + "/" + out + sets + " " + extra;
  }

  testing::TempDir dir_;
  std::string config_;
};

// "epoch E step S: loss X" of one rank's lines (rank < 0: a single-process run).
std::vector<double> step_losses(const std::string& output, int rank) {
  std::vector<double> losses;
  const std::regex line(R"((\[rank (\d+)\] )?epoch \d+ step \d+: loss (\S+) over (\d+) rows)");
  std::istringstream in(output);
  for (std::string text; std::getline(in, text);) {
    std::smatch m;
    if (!std::regex_search(text, m, line)) continue;
    if (rank >= 0 && (!m[2].matched || std::stoi(m[2]) != rank)) continue;
    losses.push_back(std::stod(m[3]));
  }
  return losses;
}

TEST_F(DistributedCliTest, TwoRanksTrainTheModelOneProcessTrains) {
  const auto one = testing::run_shell(train_command("one", ""));
  ASSERT_EQ(one.exit_code, 0) << one.output;
  const auto two = testing::run_shell(train_command("two", "--nproc 2"));
  ASSERT_EQ(two.exit_code, 0) << two.output;

  const auto single = step_losses(one.output, -1);
  ASSERT_EQ(single.size(), 12u) << one.output;  // 3 epochs of 64 positives / 16
  for (int rank : {0, 1}) {
    const auto losses = step_losses(two.output, rank);
    ASSERT_EQ(losses.size(), single.size()) << two.output;
    for (size_t s = 0; s < single.size(); ++s) EXPECT_NEAR(losses[s], single[s], 1e-4) << s;
  }
  EXPECT_NE(two.output.find("over 16 rows"), std::string::npos);  // the global batch

  const auto a = TwoTowerModel::load(dir_.path() + "/one");
  const auto b = TwoTowerModel::load(dir_.path() + "/two");
  ASSERT_EQ(a->item_embeddings().size(), b->item_embeddings().size());
  for (size_t k = 0; k < a->item_embeddings().size(); ++k) {
    EXPECT_NEAR(a->item_embeddings()[k], b->item_embeddings()[k], 1e-4) << k;
  }
  for (size_t k = 0; k < a->user_embeddings().size(); ++k) {
    EXPECT_NEAR(a->user_embeddings()[k], b->user_embeddings()[k], 1e-4) << k;
  }
}

TEST_F(DistributedCliTest, ReplicasStayIdenticalAndTrafficIsLogged) {
  const auto run = testing::run_shell(train_command("two", "--nproc 2"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  std::map<int, std::string> digests;
  const std::regex line(R"(rank (\d): replicas identical after epoch 3 \(digest ([0-9a-f]+)\))");
  for (std::sregex_iterator m(run.output.begin(), run.output.end(), line), end; m != end; ++m) {
    digests[std::stoi((*m)[1])] = (*m)[2];
  }
  ASSERT_EQ(digests.size(), 2u) << run.output;
  EXPECT_EQ(digests[0], digests[1]);
  EXPECT_NE(run.output.find("bytes sent per step on average"), std::string::npos);
  // Rank 0 alone writes: the bundle and no trace of rank 1.
  EXPECT_TRUE(fs::exists(dir_.path() + "/two/manifest.json"));
  EXPECT_FALSE(fs::exists(dir_.path() + "/two.train"));
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST_F(DistributedCliTest, RendezvousWithNobodyThereFailsWithinTheTimeout) {
  const std::string port = std::to_string(free_port());
  const auto start = std::chrono::steady_clock::now();
  const auto run =
      testing::run_shell("RANK=1 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=" + port + " " +
                         train_command("out", "--dist-timeout 3"));
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("could not join the rendezvous at 127.0.0.1:" + port),
            std::string::npos)
      << run.output;
  EXPECT_LT(seconds_since(start), 30);
  EXPECT_FALSE(fs::exists(dir_.path() + "/out"));

  const auto alone =
      testing::run_shell("RANK=0 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=" + port + " " +
                         train_command("out", "--dist-timeout 3"));
  EXPECT_NE(alone.exit_code, 0);
  EXPECT_NE(alone.output.find("could not connect to the other ranks through the rendezvous at "
                              "127.0.0.1:" +
                              port + " within 3 s"),
            std::string::npos)
      << alone.output;
  EXPECT_FALSE(fs::exists(dir_.path() + "/out"));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Waits until `pattern` matches the file's text; returns the match ("" on timeout).
std::smatch wait_for(const std::string& path, const std::regex& pattern, std::string* text,
                     double seconds) {
  std::smatch m;
  const auto start = std::chrono::steady_clock::now();
  while (seconds_since(start) < seconds) {
    *text = read_file(path);
    if (std::regex_search(*text, m, pattern)) return m;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return m;
}

TEST_F(DistributedCliTest, KilledRankStopsTheRunWithoutABundleAndResumeContinues) {
  const std::string log = dir_.path() + "/run.log";
  const std::string command =
      train_command("out", "--nproc 2 --set train.epochs=2000 --dist-timeout 10");
  ASSERT_EQ(std::system(("(" + command + "; echo \"exit=$?\") > " + log + " 2>&1 &").c_str()), 0);
  std::string text;
  const auto pid = wait_for(log, std::regex(R"(rank 1 started as pid (\d+))"), &text, 60);
  ASSERT_FALSE(pid.empty()) << text;
  const std::string rank1 = pid[1];
  // After a checkpoint (epoch 1 done): rank 1 is in epoch 2.
  ASSERT_FALSE(wait_for(log, std::regex(R"(\[rank 1\] epoch 2 step)"), &text, 120).empty()) << text;
  const auto killed = std::chrono::steady_clock::now();
  ASSERT_EQ(std::system(("kill -9 " + rank1).c_str()), 0);
  const auto done = wait_for(log, std::regex(R"(exit=(\d+))"), &text, 90);
  ASSERT_FALSE(done.empty()) << text;
  EXPECT_LT(seconds_since(killed), 10 + 20);  // the timeout, plus naming the rank
  EXPECT_NE(done[1], "0");
  EXPECT_NE(text.find("rank 1 (pid " + rank1 + ") was killed by signal 9"), std::string::npos)
      << text;
  EXPECT_NE(text.find("rank 1 stopped responding"), std::string::npos) << text;
  EXPECT_FALSE(fs::exists(dir_.path() + "/out"));
  EXPECT_TRUE(fs::exists(dir_.path() + "/out.train/checkpoint.pt"));

  // One process continues from the two ranks' checkpoint (no more epochs to run).
  const auto resumed = testing::run_shell(train_command("out", "--resume --set train.epochs=1"));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("resuming from"), std::string::npos) << resumed.output;
  EXPECT_TRUE(fs::exists(dir_.path() + "/out/manifest.json"));
}

}  // namespace
}  // namespace towerrec
