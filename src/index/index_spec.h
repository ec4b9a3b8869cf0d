// The parsed form of an index spec string ("Flat", "HNSW32,efc=200,ef=64", "SQ8", "FP16").
#pragma once

#include <cstdint>
#include <string>

#include "towerrec/config.h"

namespace towerrec::index {

enum class IndexKind { kFlat, kHnsw, kSq8, kFp16 };

struct IndexSpec {
  IndexKind kind = IndexKind::kFlat;
  int64_t m = 0;                                            // HNSW links per node
  int64_t ef_construction = IndexConfig{}.ef_construction;  // HNSW build beam width
  int64_t ef_search = IndexConfig{}.ef_search;              // HNSW query beam width
};

// Parses a spec; throws Error quoting the spec and listing the valid forms.
IndexSpec parse_index_spec(const std::string& spec);

// The canonical spec string (HNSW always spells out efc and ef).
std::string format_index_spec(const IndexSpec& spec);

}  // namespace towerrec::index
