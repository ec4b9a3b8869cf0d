// The listening-activity columns of users.csv, measured on each listener's events
// (so they are consistent with events.csv): sessions are runs of events with gaps
// under 30 minutes, days and weeks are UTC calendar units.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <unordered_set>

#include "synth/music_internal.h"

namespace towerrec::music_detail {
namespace {

constexpr int64_t kSessionGap = 1800;

double entropy(const std::vector<double>& counts) {
  double total = std::accumulate(counts.begin(), counts.end(), 0.0), h = 0;
  for (double c : counts) {
    if (c > 0) h -= c / total * std::log(c / total);
  }
  return h;
}

// Mean resultant length of session start hours on the 24 h circle: 1 = always the
// same hour, 0 = spread evenly.
double hour_consistency(const std::vector<int64_t>& starts) {
  double x = 0, y = 0;
  for (int64_t t : starts) {
    const double angle = 6.283185307179586 * static_cast<double>(t % 86400) / 86400.0;
    x += std::cos(angle);
    y += std::sin(angle);
  }
  return std::sqrt(x * x + y * y) / static_cast<double>(starts.size());
}

int64_t longest_streak(const std::set<int64_t>& days) {
  int64_t best = 0, run = 0, previous = -2;
  for (int64_t day : days) {
    run = day == previous + 1 ? run + 1 : 1;
    best = std::max(best, run);
    previous = day;
  }
  return best;
}

bool declared(const MusicListener& listener, const MusicTrack& track) {
  for (int32_t g : track.genres) {
    if (std::find(listener.genre_prefs.begin(), listener.genre_prefs.end(), g) !=
        listener.genre_prefs.end()) {
      return true;
    }
  }
  return false;
}

// Fills everything but longest_streak_percentile; returns the longest streak in days.
int64_t measure(const MusicWorld& world, const MusicEvent* first, const MusicEvent* last,
                MusicListener& listener) {
  ListeningActivity& a = listener.activity;
  const double n = static_cast<double>(last - first);
  std::vector<double> genre_counts(world.genres.size(), 0);
  std::unordered_set<int32_t> heard;
  std::set<int64_t> days, weeks;
  std::vector<int64_t> session_starts;
  double minutes = 0, off_preference = 0, popularity = 0, recent = 0, repeats = 0, skips = 0;
  for (const MusicEvent* e = first; e != last; ++e) {
    const MusicTrack& track = world.tracks[e->track];
    if (e == first || e->timestamp - (e - 1)->timestamp > kSessionGap)
      session_starts.push_back(e->timestamp);
    repeats += heard.insert(e->track).second ? 0 : 1;
    skips += e->kind == EventKind::kSkip ? 1 : 0;
    off_preference += declared(listener, track) ? 0 : 1;
    popularity += track.popularity / 100.0;
    recent += track.year >= 2024 ? 1 : 0;
    minutes += track.duration_ms / 60000.0 * e->play_ratio;
    genre_counts[track.genres[0]] += 1;
    days.insert((e->timestamp - kYearStart) / 86400);
    weeks.insert((e->timestamp - kYearStart) / (7 * 86400));
  }
  const double sessions = static_cast<double>(session_starts.size());
  const double active_days = static_cast<double>(days.size());
  a.total_sessions = sessions;
  a.avg_session_length = minutes / sessions;
  a.discovery_rate_per_active_week =
      static_cast<double>(heard.size()) / static_cast<double>(weeks.size());
  a.exploration_score = off_preference / n;
  a.novelty_seeking = 1 - popularity / n;
  a.mainstream_score = popularity / n;
  a.repeat_rate = repeats / n;
  a.skip_rate = skips / n;
  a.genre_diversity = entropy(genre_counts);
  a.temporal_consistency = hour_consistency(session_starts);
  a.early_adopter_score = recent / n;
  a.plays_per_day = n / active_days;
  a.active_days = active_days;
  a.session_density = sessions / active_days;
  a.listening_intensity = minutes / active_days;
  a.monthly_hours = minutes / 60.0 / 12.0;
  a.top_genre = static_cast<int32_t>(std::max_element(genre_counts.begin(), genre_counts.end()) -
                                     genre_counts.begin());
  return longest_streak(days);
}

}  // namespace

void compute_activity(MusicWorld& world) {
  std::vector<int64_t> streaks(world.listeners.size(), 0);
  size_t begin = 0;
  while (begin < world.events.size()) {
    size_t end = begin;
    const int32_t user = world.events[begin].user;
    while (end < world.events.size() && world.events[end].user == user) ++end;
    streaks[user] = measure(world, &world.events[begin], &world.events[end], world.listeners[user]);
    begin = end;
  }
  // Percentile rank: the share of listeners whose longest streak is shorter.
  std::vector<int64_t> sorted = streaks;
  std::sort(sorted.begin(), sorted.end());
  const double n = static_cast<double>(sorted.size());
  for (size_t u = 0; u < streaks.size(); ++u) {
    const auto below = std::lower_bound(sorted.begin(), sorted.end(), streaks[u]) - sorted.begin();
    world.listeners[u].activity.longest_streak_percentile = static_cast<double>(below) / n;
  }
}

}  // namespace towerrec::music_detail
