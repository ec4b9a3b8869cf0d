#include "towerrec/bundle_embeddings.h"

#include <sstream>
#include <unordered_set>

#include "towerrec/bundle.h"
#include "towerrec/error.h"
#include "util/fs.h"

namespace towerrec::serve {

ItemEmbeddings read_item_embeddings(const std::string& bundle_dir) {
  const BundleLayout layout(bundle_dir);
  const std::string ids_path = layout.item_ids();
  const std::string vec_path = layout.item_embeddings();
  ItemEmbeddings items;
  std::istringstream lines(read_file(ids_path));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) items.ids.push_back(line);
  }
  check(!items.ids.empty(), "'" + ids_path + "' lists no item ids");
  const std::string bytes = read_file(vec_path);
  const int64_t floats = static_cast<int64_t>(bytes.size() / sizeof(float));
  const int64_t n = static_cast<int64_t>(items.ids.size());
  check(bytes.size() % sizeof(float) == 0 && floats > 0 && floats % n == 0,
        "'" + vec_path + "' holds " + std::to_string(bytes.size()) + " bytes, not a float32 [" +
            std::to_string(n) + " x D] matrix for the " + std::to_string(n) + " ids of '" +
            ids_path + "'");
  items.dim = floats / n;
  items.values.resize(floats);
  std::copy(bytes.data(), bytes.data() + bytes.size(),
            reinterpret_cast<char*>(items.values.data()));
  return items;
}

bool bundle_has_index(const std::string& bundle_dir) {
  return read_manifest(bundle_dir).has_folder(BundleLayout::kIndexDir);
}

std::unique_ptr<ItemIndex> build_item_index(const ItemEmbeddings& items, const std::string& spec,
                                            int threads) {
  auto index = ItemIndex::create(spec, items.dim);
  std::vector<int64_t> rows(items.ids.size());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<int64_t>(i);
  index->add(rows, items.values, threads);
  return index;
}

std::vector<SearchHit> nearest_items(const ItemIndex& index, const ItemEmbeddings& items,
                                     int64_t row, int64_t k) {
  std::vector<float> query(items.values.begin() + row * items.dim,
                           items.values.begin() + (row + 1) * items.dim);
  return index.search(query, k, std::unordered_set<int64_t>{row});
}

}  // namespace towerrec::serve
