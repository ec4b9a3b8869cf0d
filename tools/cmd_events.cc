// `towerrec events export`: the event log of a server database (serve.database) as CSV,
// user_id,item_id,type,value,timestamp in the order the events were posted, written
// atomically. The database is only read.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "command.h"
#include "towerrec/error.h"
#include "towerrec/files.h"
#include "towerrec/store.h"
#include "towerrec/store_tables.h"

namespace {

struct EventsOptions {
  std::string database;
  std::string output;
};

void run_export(const EventsOptions& options) {
  // Opening a missing database would create an empty one.
  towerrec::check(std::filesystem::is_regular_file(options.database),
                  "--db: database '" + options.database + "' does not exist");
  towerrec::Store store(options.database);
  const auto events = store.all_events();
  towerrec::write_file_atomic(options.output, towerrec::events_csv(events));
  std::printf("%zu events of %s written to %s\n", events.size(), options.database.c_str(),
              options.output.c_str());
}

const bool kEventsRegistered = towerrec::cli::register_command(
    {"events", "Work with a server database's event log", /*needs_torch_threads=*/false,
     [](CLI::App& app) {
       auto options = std::make_shared<EventsOptions>();
       app.require_subcommand(1);
       CLI::App* exporter = app.add_subcommand("export",
                                               "Write the event log as CSV (user_id,item_id,type,"
                                               "value,timestamp)");
       exporter->add_option("--db", options->database, "Server database (serve.database)")
           ->required();
       exporter->add_option("--output", options->output, "CSV file to write")->required();
       exporter->callback([options] { run_export(*options); });
     }});

}  // namespace
