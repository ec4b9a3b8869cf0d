// `towerrec generate music`: writes the synthetic music data set (see
// include/towerrec/music_generator.h and docs/music-demo.md).
#include <chrono>
#include <cstdio>
#include <memory>

#include "command.h"
#include "towerrec/music_generator.h"

namespace {

void add_music(CLI::App& generate) {
  auto options = std::make_shared<towerrec::MusicGeneratorOptions>();
  auto output = std::make_shared<std::string>();
  CLI::App* music = generate.add_subcommand(
      "music", "Listeners, tracks and a year of listening events from a hidden taste model");
  music->add_option("--output", *output, "Folder to write into (created if missing)")->required();
  music->add_option("--users", options->users, "Number of listeners")
      ->capture_default_str()
      ->check(CLI::Range(1, 10'000'000));
  music->add_option("--items", options->items, "Number of tracks")
      ->capture_default_str()
      ->check(CLI::Range(1, 10'000'000));
  music
      ->add_option("--events-per-user", options->events_per_user,
                   "Mean events per listener (heavy-tailed)")
      ->capture_default_str();
  music->add_option("--seed", options->seed, "Random seed (same seed, same files)")
      ->capture_default_str();
  music
      ->add_option("--text-dim", options->text_dim,
                   "Dimension of item_text.f32 text vectors (0 = none)")
      ->capture_default_str();
  music->callback([options, output] {
    const auto start = std::chrono::steady_clock::now();
    const towerrec::MusicWorld world = towerrec::generate_music_world(*options);
    towerrec::write_music_files(world, *output);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("wrote %zu users, %zu tracks, %zu events to %s in %.1f s\n", world.listeners.size(),
                world.tracks.size(), world.events.size(), output->c_str(), seconds);
  });
}

const bool kGenerateRegistered = towerrec::cli::register_command(
    {"generate", "Write a synthetic data set (generate music --output DIR)", false,
     [](CLI::App& app) {
       app.require_subcommand(1);
       add_music(app);
     }});

}  // namespace
