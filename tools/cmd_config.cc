// `towerrec config docs` prints the configuration reference (docs/config.md);
// `towerrec config show --config FILE [--set k=v]...` prints the applied configuration.
#include <iostream>
#include <string>
#include <vector>

#include "command.h"
#include "towerrec/config.h"

namespace {

void setup_config_command(CLI::App& app) {
  app.require_subcommand(1);
  CLI::App* docs = app.add_subcommand("docs", "Print the configuration reference (Markdown)");
  docs->callback([] { std::cout << towerrec::config_reference_markdown(); });

  CLI::App* show = app.add_subcommand("show", "Print the applied configuration as YAML");
  auto path = std::make_shared<std::string>();
  auto overrides = std::make_shared<std::vector<std::string>>();
  show->add_option("--config,-c", *path, "Config file (YAML)")->required();
  show->add_option("--set", *overrides, "Override a key: key=value (value is YAML); repeatable")
      ->allow_extra_args(false);
  show->callback([path, overrides] {
    std::cout << towerrec::config_to_yaml(towerrec::load_config(*path, *overrides));
  });
}

const bool kConfigRegistered = towerrec::cli::register_command(
    {"config", "Show the configuration reference or an applied configuration",
     /*needs_torch_threads=*/false, setup_config_command});

}  // namespace
