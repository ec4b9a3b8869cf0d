// The files of a generated music data set. Large tables are formatted by hand with
// std::to_chars into a buffer (iostream formatting would dominate the run time at full
// scale); every file goes through write_file_atomic.
#include <charconv>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "towerrec/csv_writer.h"
#include "towerrec/error.h"
#include "towerrec/music_generator.h"
#include "util/fs.h"

namespace towerrec {
namespace {

// Rows are formatted into a string and handed to the stream in large chunks.
class RowSink {
 public:
  explicit RowSink(std::ostream& out) : out_(out) { buffer_.reserve(kFlushBytes + 4096); }
  std::string& buffer() { return buffer_; }
  // Call after each row.
  void maybe_flush() {
    if (buffer_.size() >= kFlushBytes) flush();
  }
  void flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }

 private:
  static constexpr size_t kFlushBytes = 1 << 20;
  std::ostream& out_;
  std::string buffer_;
};

void put(std::string& out, int64_t value) {
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof(digits), value).ptr);
}

// Fixed-point with `decimals` digits; NaN is an empty cell.
void put_fixed(std::string& out, double value, int decimals) {
  if (std::isnan(value)) return;
  char digits[64];
  auto end =
      std::to_chars(digits, digits + sizeof(digits), value, std::chars_format::fixed, decimals);
  out.append(digits, end.ptr);
}

void put_text(std::string& out, std::string_view text) { append_csv_field(out, text); }

std::string joined(const std::vector<std::string>& names, const std::vector<int32_t>& indices,
                   const char* separator) {
  std::string out;
  for (size_t i = 0; i < indices.size(); ++i) out += (i ? separator : "") + names[indices[i]];
  return out;
}

const char* const kActivityColumns =
    "total_sessions,avg_session_length,discovery_rate_per_active_week,exploration_score,"
    "novelty_seeking,repeat_rate,skip_rate,genre_diversity,temporal_consistency,"
    "mainstream_score,early_adopter_score,plays_per_day,active_days,"
    "longest_streak_percentile,session_density,listening_intensity,user_type_explorer,"
    "user_type_loyalist";

void write_users(const MusicWorld& world, RowSink& file) {
  std::string& out = file.buffer();
  out += "user_id,age,gender,country,genre_prefs,mood_prefs,";
  out += kActivityColumns;
  out += ",monthly_hours,top_genre\n";
  for (size_t u = 0; u < world.listeners.size(); ++u) {
    const MusicListener& l = world.listeners[u];
    const ListeningActivity& a = l.activity;
    out += MusicWorld::user_id(static_cast<int64_t>(u)) + ',';
    put(out, l.age);
    out += ',' + world.genders[l.gender] + ',' + world.countries[l.country] + ',';
    put_text(out, joined(world.genres, l.genre_prefs, "|"));
    out += ',';
    put_text(out, joined(world.moods, l.mood_prefs, "|"));
    for (double value :
         {a.total_sessions, a.avg_session_length, a.discovery_rate_per_active_week,
          a.exploration_score, a.novelty_seeking, a.repeat_rate, a.skip_rate, a.genre_diversity,
          a.temporal_consistency, a.mainstream_score, a.early_adopter_score, a.plays_per_day,
          a.active_days, a.longest_streak_percentile, a.session_density, a.listening_intensity}) {
      out += ',';
      put_fixed(out, value, 4);
    }
    out += ',' + std::to_string(a.user_type_explorer) + ',' + std::to_string(a.user_type_loyalist) +
           ',';
    put_fixed(out, a.monthly_hours, 3);
    out += ',';
    put_text(out, world.genres[a.top_genre]);
    out += '\n';
    file.maybe_flush();
  }
}

void put_track(std::string& out, const MusicWorld& world, size_t t) {
  const MusicTrack& track = world.tracks[t];
  const std::string genres = joined(world.genres, track.genres, "|");
  const std::string& artist = world.artists[track.artist].name;
  out += MusicWorld::track_id(static_cast<int64_t>(t)) + ',';
  put_text(out, track.title);
  out += ',';
  put_text(out, artist);
  out += ',';
  put_text(out, track.album);
  out += ',';
  put_text(out, genres);
  out += ',';
  put_text(out, joined(world.moods, track.moods, "|"));
  for (int f = 0; f < kAudioFeatureCount; ++f) {
    out += ',';
    put_fixed(out, track.shown_audio[f], f == kAudioFeatureCount - 1 ? 2 : 4);
    out += ',';
    put_fixed(out, track.confidence[f], 3);
  }
  out += ',';
  out += audio_source_name(track.audio_source);
  out += ',';
  put(out, track.popularity);
  out += ',';
  put_fixed(out, track.aoty_score, 1);
  out += ',';
  put(out, track.num_ratings);
  out += ',';
  put_fixed(out, track.avg_user_rating, 2);
  out += ',';
  put_fixed(out, track.critic_score, 1);
  out += ',';
  put(out, track.year);
  out += ',';
  put(out, track.duration_ms);
  out += ',';
  put_text(out, track.title + " - " + artist + " - " + joined(world.genres, track.genres, " "));
  out += '\n';
}

void write_items(const MusicWorld& world, RowSink& file) {
  std::string& out = file.buffer();
  out += "track_id,title,artist,album,genres,moods";
  for (const char* name : kAudioFeatureNames)
    out += std::string(",") + name + ',' + name + "_confidence";
  out +=
      ",audio_source,popularity,aoty_score,num_ratings,avg_user_rating,critic_score,year,"
      "duration_ms,text\n";
  for (size_t t = 0; t < world.tracks.size(); ++t) {
    put_track(out, world, t);
    file.maybe_flush();
  }
}

void write_events(const MusicWorld& world, RowSink& file) {
  std::string& out = file.buffer();
  out += "user_id,track_id,timestamp,event,play_ratio,thumbs\n";
  for (const MusicEvent& e : world.events) {
    out += MusicWorld::user_id(e.user);
    out += ',';
    out += MusicWorld::track_id(e.track);
    out += ',';
    put(out, e.timestamp);
    out += ',';
    out += event_kind_name(e.kind);
    out += ',';
    put_fixed(out, e.play_ratio, 3);
    out += ',';
    put(out, thumbs_for(e.kind));
    out += '\n';
    file.maybe_flush();
  }
}

void write_text_ids(const MusicWorld& world, RowSink& file) {
  for (size_t t = 0; t < world.tracks.size(); ++t) {
    file.buffer() += MusicWorld::track_id(static_cast<int64_t>(t)) + '\n';
    file.maybe_flush();
  }
}

// Writes path atomically with rows from `rows`.
void write_rows(const std::string& path, const std::function<void(RowSink&)>& rows) {
  write_file_atomic(path, [&](std::ostream& out) {
    RowSink sink(out);
    rows(sink);
    sink.flush();
  });
}

nlohmann::json truth(const MusicWorld& world) {
  nlohmann::json facts = {
      {"generator", "music"},
      {"seed", world.options.seed},
      {"users", world.listeners.size()},
      {"items", world.tracks.size()},
      {"artists", world.artists.size()},
      {"events", world.events.size()},
      {"events_per_user", world.options.events_per_user},
      {"text_dim", world.options.text_dim},
      {"latent_dim", kMusicLatentDim},
      {"genres", world.genres},
      {"moods", world.moods},
  };
  std::map<std::string, int64_t> kinds, sources;
  for (const auto& e : world.events) ++kinds[event_kind_name(e.kind)];
  for (const auto& t : world.tracks) ++sources[audio_source_name(t.audio_source)];
  facts["event_kinds"] = kinds;
  facts["audio_sources"] = sources;
  return facts;
}

}  // namespace

void write_music_files(const MusicWorld& world, const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error)
    throw Error(ErrorCode::kIo, "cannot create output folder " + dir + ": " + error.message());
  write_rows(dir + "/users.csv", [&](RowSink& rows) { write_users(world, rows); });
  write_rows(dir + "/items.csv", [&](RowSink& rows) { write_items(world, rows); });
  write_rows(dir + "/events.csv", [&](RowSink& rows) { write_events(world, rows); });
  if (world.options.text_dim > 0) {
    const std::vector<float> vectors = music_text_vectors(world);
    write_file_atomic(dir + "/item_text.f32",
                      std::string_view(reinterpret_cast<const char*>(vectors.data()),
                                       vectors.size() * sizeof(float)));
    write_rows(dir + "/item_text.ids", [&](RowSink& rows) { write_text_ids(world, rows); });
  }
  write_file_atomic(dir + "/truth.json", truth(world).dump(2) + "\n");
}

}  // namespace towerrec
