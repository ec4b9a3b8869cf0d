// Vocabularies (genres, moods, demographics) and pronounceable names for artists,
// tracks and albums. Names avoid commas and quotes so the CSV stays easy to read.
#include <string>
#include <unordered_set>
#include <vector>

#include "synth/music_internal.h"

namespace towerrec::music_detail {
namespace {

const std::vector<std::string> kGenres = {
    "Pop",   "Rock",    "Hip-Hop", "Electronic", "Jazz",  "Blues",  "Classical", "Country",
    "Folk",  "Metal",   "Punk",    "R&B",        "Soul",  "Reggae", "Latin",     "Funk",
    "Indie", "Ambient", "House",   "Techno",     "Disco", "Gospel", "K-Pop",     "Soundtrack"};

const std::vector<std::string> kMoods = {"Happy",      "Sad",   "Energetic", "Calm",
                                         "Romantic",   "Dark",  "Uplifting", "Melancholic",
                                         "Aggressive", "Chill", "Dreamy",    "Nostalgic"};

const std::vector<std::string> kCountries = {"US", "GB", "DE", "FR", "BR", "MX", "ES", "JP",
                                             "KR", "SE", "NG", "IN", "CA", "AU", "JM"};
const std::vector<double> kCountryWeights = {24, 9, 8, 6, 8, 5, 5, 6, 4, 3, 3, 7, 4, 4, 1};

const std::vector<std::string> kSyllables = {
    "ka", "lo",  "mi", "ra", "ve",  "no",  "sa",  "tu",  "be",  "li", "da",  "ro",  "ze", "fa",
    "ny", "sho", "ar", "el", "vin", "tor", "mar", "len", "dra", "ko", "sil", "ven", "ta", "qui"};

const std::vector<std::string> kArtistPrefixes = {"The", "DJ", "Lil", "MC", "Los", "Sister"};
const std::vector<std::string> kArtistNouns = {
    "Foxes",  "Echoes", "Rivers", "Lanterns", "Machines", "Saints",  "Ghosts", "Tigers",
    "Comets", "Wolves", "Pilots", "Shadows",  "Dreamers", "Harbors", "Orbits", "Sparrows"};

const std::vector<std::string> kTitleAdjectives = {
    "Midnight", "Golden",   "Broken",  "Electric", "Silent", "Velvet",  "Neon",    "Lonely",
    "Wild",     "Frozen",   "Burning", "Hidden",   "Summer", "Paper",   "Crystal", "Distant",
    "Sweet",    "Northern", "Blue",    "Restless", "Secret", "Endless", "Little",  "Fading"};
const std::vector<std::string> kTitleNouns = {
    "River",  "Heart", "City",   "Dance",   "Road",   "Fire",    "Dream",  "Light",
    "Rain",   "Ocean", "Window", "Highway", "Garden", "Mirror",  "Signal", "Thunder",
    "Letter", "Sky",   "Memory", "Shadow",  "Song",   "Morning", "Star",   "Machine"};
const std::vector<std::string> kAlbumWords = {"Sessions", "Chronicles", "Tapes", "Stories",
                                              "Live",     "Volume",     "Years", "Collection"};

const std::string& pick(const std::vector<std::string>& words, MusicRng& rng) {
  return words[rng.below(static_cast<int64_t>(words.size()))];
}

std::string capitalised_word(MusicRng& rng, int syllables) {
  std::string word;
  for (int i = 0; i < syllables; ++i) word += pick(kSyllables, rng);
  word[0] = static_cast<char>(word[0] - 'a' + 'A');
  return word;
}

std::string candidate_artist_name(MusicRng& rng) {
  const double style = rng.uniform();
  if (style < 0.45) {
    return capitalised_word(rng, 2 + static_cast<int>(rng.below(2))) + " " +
           capitalised_word(rng, 2 + static_cast<int>(rng.below(2)));
  }
  if (style < 0.75) return "The " + pick(kTitleAdjectives, rng) + " " + pick(kArtistNouns, rng);
  return pick(kArtistPrefixes, rng) + " " +
         capitalised_word(rng, 2 + static_cast<int>(rng.below(2)));
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  for (const auto& item : list) {
    if (item == value) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> genre_vocabulary() { return kGenres; }
std::vector<std::string> mood_vocabulary() { return kMoods; }
std::vector<std::string> gender_vocabulary() { return {"female", "male", "nonbinary"}; }
std::vector<std::string> country_vocabulary() { return kCountries; }
std::vector<double> country_weights() { return kCountryWeights; }

double demographic_boost(const std::string& genre, const std::string& country, int age) {
  double boost = 1.0;
  if (country == "BR" || country == "MX" || country == "ES") boost *= genre == "Latin" ? 5 : 1;
  if (country == "KR" || country == "JP") boost *= genre == "K-Pop" ? 6 : 1;
  if (country == "JM" || country == "NG") boost *= genre == "Reggae" ? 6 : 1;
  if (country == "DE" || country == "SE")
    boost *= (genre == "Techno" || genre == "Metal") ? 2.5 : 1;
  if (country == "US" || country == "CA") boost *= genre == "Country" ? 2 : 1;
  const std::vector<std::string> older = {"Classical", "Jazz", "Blues", "Folk", "Soul", "Country"};
  const std::vector<std::string> younger = {"Hip-Hop", "Electronic", "K-Pop", "Pop", "House"};
  if (age >= 45 && contains(older, genre)) boost *= 2.2;
  if (age < 26 && contains(younger, genre)) boost *= 2.0;
  return boost;
}

std::string make_artist_name(MusicRng& rng, std::unordered_set<std::string>& taken) {
  std::string name = candidate_artist_name(rng);
  for (int attempt = 0; taken.count(name) > 0 && attempt < 8; ++attempt) {
    name = candidate_artist_name(rng);
  }
  const std::string base = name;
  for (int suffix = 2; taken.count(name) > 0; ++suffix) name = base + " " + std::to_string(suffix);
  taken.insert(name);
  return name;
}

std::string make_title(MusicRng& rng) {
  const double style = rng.uniform();
  if (style < 0.5) return pick(kTitleAdjectives, rng) + " " + pick(kTitleNouns, rng);
  if (style < 0.7) return pick(kTitleNouns, rng) + " of " + capitalised_word(rng, 2);
  if (style < 0.85) return capitalised_word(rng, 2 + static_cast<int>(rng.below(2)));
  return pick(kTitleAdjectives, rng) + " " + pick(kTitleNouns, rng) + " " + pick(kTitleNouns, rng);
}

std::string make_album(MusicRng& rng) {
  if (rng.bernoulli(0.5)) return pick(kTitleAdjectives, rng) + " " + pick(kAlbumWords, rng);
  return capitalised_word(rng, 2) + " " + pick(kAlbumWords, rng);
}

}  // namespace towerrec::music_detail
