// The tiny two-block data set of the serving tests, written as CSV files: 16 users,
// "calm" ones (u0..u7) rate 4 of the 6 Jazz items i0..i5, "loud" ones (u8..u15) 4 of
// the 6 Rock items i6..i11; ratings 5..2. Returns the YAML config (data.dir absolute)
// of a model that learns the blocks in a few seconds.
#pragma once

#include <string>

#include "test_support.h"

namespace towerrec::testing {

constexpr int kBlockUsers = 16;
constexpr int kBlockItems = 12;

// Items "i0".."i<kBlockItems - 1>": the first half Jazz, the rest Rock; items posted
// later (other ids) are not Jazz.
inline bool is_jazz(const std::string& item) {
  if (item.size() < 2 || item[0] != 'i' ||
      item.find_first_not_of("0123456789", 1) != std::string::npos) {
    return false;
  }
  return std::stoi(item.substr(1)) < kBlockItems / 2;
}

inline std::string write_block_data(const TempDir& dir) {
  std::string users = "user_id,mood\n", items = "item_id,title,genres\n";
  std::string ratings = "user_id,item_id,rating\n";
  for (int u = 0; u < kBlockUsers; ++u) {
    const bool calm = u < kBlockUsers / 2;
    users += "u" + std::to_string(u) + (calm ? ",calm\n" : ",loud\n");
    for (int k = 0; k < 4; ++k) {  // 4 of the 6 items of the user's block
      const int item = (calm ? 0 : kBlockItems / 2) + (u + k) % (kBlockItems / 2);
      ratings += "u" + std::to_string(u) + ",i" + std::to_string(item) + "," +
                 std::to_string(5 - k) + "\n";
    }
  }
  for (int i = 0; i < kBlockItems; ++i) {
    items += "i" + std::to_string(i) + ",Title " + std::to_string(i) +
             (i < kBlockItems / 2 ? ",Jazz\n" : ",Rock\n");
  }
  dir.write("users.csv", users);
  dir.write("items.csv", items);
  dir.write("ratings.csv", ratings);
  return R"(data:
  dir: )" +
         dir.path() + R"(
  interactions: {file: ratings.csv, format: csv}
  users: {file: users.csv, format: csv, id_column: user_id}
  items: {file: items.csv, format: csv, id_column: item_id}
  user_column: user_id
  item_column: item_id
  rating_column: rating
  item_title_column: title
split: {method: none, validation_ratio: 0}
features:
  user:
    - {name: user_id, kind: id, dim: 8}
    - {name: mood, kind: categorical, dim: 4}
  item:
    - {name: item_id, kind: id, dim: 8}
    - {name: genres, kind: multi_hot, dim: 4}
model: {embedding_dim: 8, temperature: 0.1}
train: {loss: softmax, learning_rate: 0.02, batch_size: 16, epochs: 30, patience: 30, seed: 3, threads: 1}
index: {spec: Flat}
)";
}

}  // namespace towerrec::testing
