#include <gtest/gtest.h>

#include "index/index_spec.h"
#include "towerrec/error.h"
#include "towerrec/item_index.h"

namespace towerrec {
namespace {

TEST(IndexSpecTest, ParsesEveryForm) {
  using index::IndexKind;
  EXPECT_EQ(index::parse_index_spec("Flat").kind, IndexKind::kFlat);
  EXPECT_EQ(index::parse_index_spec("SQ8").kind, IndexKind::kSq8);
  EXPECT_EQ(index::parse_index_spec("FP16").kind, IndexKind::kFp16);
  const auto hnsw = index::parse_index_spec("HNSW32,ef=80");
  EXPECT_EQ(hnsw.kind, IndexKind::kHnsw);
  EXPECT_EQ(hnsw.m, 32);
  EXPECT_EQ(hnsw.ef_construction, 200);
  EXPECT_EQ(hnsw.ef_search, 80);
  EXPECT_EQ(index::format_index_spec(index::parse_index_spec("HNSW8,efc=40")),
            "HNSW8,efc=40,ef=64");
  EXPECT_EQ(ItemIndex::create("HNSW16,efc=100,ef=50", 4)->spec(), "HNSW16,efc=100,ef=50");
}

TEST(IndexSpecTest, RejectsBadSpecsListingTheValidForms) {
  for (const std::string spec : {"HNSW0", "IVF?", "", "HNSW", "HNSW32,ef=0", "HNSW32,efs=9",
                                 "HNSW999", "Flat,ef=3", "flat", "HNSW32,", "HNSW-4"}) {
    try {
      ItemIndex::create(spec, 8);
      ADD_FAILURE() << "accepted " << spec;
    } catch (const Error& error) {
      const std::string message = error.what();
      EXPECT_NE(message.find("\"" + spec + "\""), std::string::npos) << message;
      EXPECT_NE(message.find("valid forms: \"Flat\", \"HNSW<M>"), std::string::npos) << message;
    }
  }
  EXPECT_THROW(ItemIndex::create("Flat", 0), Error);
}

TEST(IndexSpecTest, EfSearchChangesOnHnswOnly) {
  auto hnsw = ItemIndex::create("HNSW16", 4);
  hnsw->set_ef_search(128);
  EXPECT_EQ(hnsw->spec(), "HNSW16,efc=200,ef=128");
  EXPECT_THROW(hnsw->set_ef_search(0), Error);
  auto flat = ItemIndex::create("Flat", 4);
  try {
    flat->set_ef_search(10);
    FAIL() << "Flat accepted an ef";
  } catch (const Error& error) {
    EXPECT_STREQ(error.what(), "set_ef_search: index \"Flat\" has no search beam (HNSW only)");
  }
}

TEST(IndexSpecTest, SpecFromConfigFillsEfOnlyWhenUnset) {
  IndexConfig config;
  config.spec = "HNSW16";
  config.ef_search = 40;
  config.ef_construction = 120;
  EXPECT_EQ(index_spec_from_config(config), "HNSW16,efc=120,ef=40");
  config.spec = "HNSW16,ef=10";
  EXPECT_EQ(index_spec_from_config(config), "HNSW16,efc=120,ef=10");
  config.spec = "SQ8";
  EXPECT_EQ(index_spec_from_config(config), "SQ8");
  config.spec = "HNSW16";
  config.ef_search = 0;
  EXPECT_THROW(index_spec_from_config(config), Error);
}

}  // namespace
}  // namespace towerrec
