// Subcommand registry of the towerrec command line. Each tools/cmd_*.cc file
// registers one subcommand at static-initialisation time; main() builds the CLI11 app
// from the registry. Subcommands only parse, call the library and print.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "towerrec/registry.h"

namespace towerrec::cli {

struct CommandSpec {
  std::string name;
  std::string help;
  bool needs_torch_threads;  // re-executed with OMP_WAIT_POLICY=PASSIVE when set
  // Adds options to `app` and sets its callback. Called once, before parsing.
  std::function<void(CLI::App& app)> setup;
};

// Returns true so it can initialise a static: `static bool r = register_command({...});`
// A second command with the same name fails at start-up (Error kInternal).
bool register_command(CommandSpec spec);
// The commands by name, in registration order.
const Registry<CommandSpec>& registered_commands();

}  // namespace towerrec::cli
