// `towerrec train --nproc N`: this command line again as N local ranks, torchrun-style.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "towerrec/distributed.h"
#include "towerrec/error.h"

namespace towerrec {

namespace {

// Rank failures leave the others this long beyond the timeout to report theirs.
constexpr auto kGrace = std::chrono::seconds(5);

// This process's arguments without --nproc and its value.
std::vector<std::string> command_line_without_nproc() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  check(!all.empty(), "cannot read this command's arguments from /proc/self/cmdline");
  std::vector<std::string> args;
  for (size_t at = 0; at < all.size();) {
    const size_t end = all.find('\0', at);
    args.push_back(all.substr(at, end - at));
    at = end == std::string::npos ? all.size() : end + 1;
  }
  std::vector<std::string> kept;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--nproc") {
      ++i;  // and its value
    } else if (args[i].rfind("--nproc=", 0) != 0) {
      kept.push_back(args[i]);
    }
  }
  return kept;
}

// A loopback port nobody listens on now (the OS's pick).
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  check(fd >= 0, std::string("cannot open a socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof(addr);
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) == 0;
  close(fd);
  check(ok, std::string("cannot find a free loopback port: ") + std::strerror(errno));
  return ntohs(addr.sin_port);
}

pid_t start_rank(const std::vector<std::string>& args, int rank, int nproc, int port) {
  const pid_t pid = fork();
  check(pid >= 0, std::string("cannot start a rank: ") + std::strerror(errno));
  if (pid > 0) return pid;
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // no rank outlives the launcher
  setenv("RANK", std::to_string(rank).c_str(), 1);
  setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
  setenv("WORLD_SIZE", std::to_string(nproc).c_str(), 1);
  setenv("LOCAL_WORLD_SIZE", std::to_string(nproc).c_str(), 1);
  setenv("MASTER_ADDR", "127.0.0.1", 1);
  setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv("/proc/self/exe", argv.data());
  _exit(127);
}

std::string describe(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    return "was killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
  }
  return "exited with status " + std::to_string(WEXITSTATUS(status));
}

bool failed(int status) { return !WIFEXITED(status) || WEXITSTATUS(status) != 0; }

}  // namespace

void launch_local_workers(int nproc, double timeout_seconds) {
  check(nproc >= 1 && nproc <= 1024, "--nproc must be in [1, 1024]");
  const auto args = command_line_without_nproc();
  const int port = free_port();
  spdlog::info("starting {} ranks on 127.0.0.1:{}", nproc, port);
  std::vector<pid_t> pids;
  for (int r = 0; r < nproc; ++r) {
    pids.push_back(start_rank(args, r, nproc, port));
    spdlog::info("rank {} started as pid {}", r, pids.back());
  }
  std::vector<bool> running(pids.size(), true);
  size_t left = pids.size();
  std::string first_failure;
  auto deadline = std::chrono::steady_clock::time_point::max();
  while (left > 0) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) {
      if (std::chrono::steady_clock::now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    for (size_t r = 0; r < pids.size(); ++r) {
      if (pids[r] != pid || !running[r]) continue;
      running[r] = false;
      --left;
      if (!failed(status)) break;
      spdlog::error("rank {} (pid {}) {}", r, pid, describe(status));
      if (first_failure.empty()) {
        first_failure =
            "rank " + std::to_string(r) + " (pid " + std::to_string(pid) + ") " + describe(status);
        deadline = std::chrono::steady_clock::now() +
                   std::chrono::milliseconds(static_cast<int64_t>(timeout_seconds * 1000)) + kGrace;
      }
    }
  }
  for (size_t r = 0; r < pids.size(); ++r) {
    if (!running[r]) continue;
    spdlog::error("rank {} (pid {}) did not stop within the timeout; killing it", r, pids[r]);
    kill(pids[r], SIGKILL);
    waitpid(pids[r], nullptr, 0);
    first_failure += "; rank " + std::to_string(r) + " (pid " + std::to_string(pids[r]) +
                     ") hung and was killed";
  }
  if (!first_failure.empty()) {
    throw Error(ErrorCode::kIo, "distributed training failed: " + first_failure);
  }
}

}  // namespace towerrec
