// towerrec: the command line. All logic lives in the library; see tools/cmd_*.cc.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>

#include "command.h"
#include "towerrec/error.h"

namespace towerrec::cli {

std::vector<CommandSpec>& mutable_commands() {
  static std::vector<CommandSpec> commands;
  return commands;
}

bool register_command(CommandSpec spec) {
  mutable_commands().push_back(std::move(spec));
  return true;
}

const std::vector<CommandSpec>& registered_commands() { return mutable_commands(); }

}  // namespace towerrec::cli

namespace {

// LibTorch's OpenMP pool spins between parallel regions unless OMP_WAIT_POLICY is
// PASSIVE, which on 2 cores starves OpenBLAS's own threads. libgomp reads the variable
// when it is loaded, before main(), so heavy subcommands re-execute themselves once
// with it set.
void ensure_passive_openmp(int argc, char** argv) {
  if (argc < 2 || std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  for (const auto& command : towerrec::cli::registered_commands()) {
    if (command.name == argv[1] && command.needs_torch_threads) {
      setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
      execv("/proc/self/exe", argv);
      return;  // exec failed: carry on with the default policy
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  ensure_passive_openmp(argc, argv);
  CLI::App app{"TowerRec: two-tower recommender engine"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");
  for (const auto& command : towerrec::cli::registered_commands()) {
    CLI::App* sub = app.add_subcommand(command.name, command.help);
    command.setup(*sub);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const towerrec::Error& e) {
    if (e.code() == towerrec::ErrorCode::kInternal) {
      std::cerr << "internal error (a bug in towerrec): " << e.what() << " [" << e.file() << ":"
                << e.line() << "]\n";
      return towerrec::kInternalErrorExit;
    }
    std::cerr << "error: " << e.what() << "\n";
    return towerrec::kUserErrorExit;
  } catch (const std::exception& e) {
    std::cerr << "internal error (a bug in towerrec): " << e.what() << "\n";
    return towerrec::kInternalErrorExit;
  }
  return 0;
}
