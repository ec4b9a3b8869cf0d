// towerrec: the command line. All logic lives in the library; see tools/cmd_*.cc.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>

#include "command.h"
#include "towerrec/error.h"
#include "towerrec/logging.h"

namespace towerrec::cli {

Registry<CommandSpec>& mutable_commands() {
  static Registry<CommandSpec> commands("command");
  return commands;
}

bool register_command(CommandSpec spec) {
  const std::string name = spec.name;
  mutable_commands().add(name, std::move(spec));
  return true;
}

const Registry<CommandSpec>& registered_commands() { return mutable_commands(); }

}  // namespace towerrec::cli

namespace {

// LibTorch's OpenMP pool spins between parallel regions unless OMP_WAIT_POLICY is
// PASSIVE, which on 2 cores starves OpenBLAS's own threads. libgomp reads the variable
// when it is loaded, before main(), so heavy subcommands re-execute themselves once
// with it set.
void ensure_passive_openmp(int argc, char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  int first = 1;  // the subcommand, after a leading --log-level LEVEL
  if (first + 1 < argc && std::strcmp(argv[first], "--log-level") == 0) first += 2;
  if (first < argc && std::strncmp(argv[first], "--log-level=", 12) == 0) ++first;
  if (first >= argc) return;
  const auto& commands = towerrec::cli::registered_commands();
  if (commands.contains(argv[first]) && commands.at(argv[first]).needs_torch_threads) {
    setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    execv("/proc/self/exe", argv);
    // exec failed: carry on with the default policy
  }
}

}  // namespace

int main(int argc, char** argv) {
  ensure_passive_openmp(argc, argv);
  CLI::App app{"TowerRec: two-tower recommender engine"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");
  // Accepted before or after the subcommand; set as soon as it is parsed, so it
  // applies to everything the subcommand logs. Wins over the environment.
  app.fallthrough();
  app.add_option_function<std::string>(
         "--log-level", [](const std::string& level) { towerrec::set_log_level(level); },
         "Log level: trace, debug, info, warn, error, critical, off (default: "
         "$TOWERREC_LOG_LEVEL, else $SPDLOG_LEVEL, else info)")
      ->trigger_on_parse();
  const auto& commands = towerrec::cli::registered_commands();
  for (const std::string& name : commands.names()) {
    const towerrec::cli::CommandSpec& command = commands.at(name);
    CLI::App* sub = app.add_subcommand(command.name, command.help);
    command.setup(*sub);
  }
  try {
    towerrec::apply_log_level_env();
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
