// save/load round trips and the errors of damaged or mismatched index files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <numeric>

#include "synthetic_vectors.h"
#include "test_support.h"
#include "towerrec/error.h"
#include "towerrec/item_index.h"

namespace towerrec {
namespace {

constexpr int64_t kDim = 16;
const std::vector<std::string> kSpecs = {"Flat", "HNSW8,efc=40,ef=20", "SQ8", "FP16"};

std::unique_ptr<ItemIndex> build(const std::string& spec, int64_t n = 2000) {
  auto index = ItemIndex::create(spec, kDim);
  std::vector<int64_t> ids(n);
  std::iota(ids.begin(), ids.end(), 100);  // ids need not start at 0
  index->add(ids, index::low_rank_vectors(n, kDim, 6, 0.3f, 1, 2));
  return index;
}

void expect_same_results(const ItemIndex& a, const ItemIndex& b) {
  const auto queries = index::low_rank_vectors(30, kDim, 6, 0.3f, 1, 3);
  const auto hits_a = a.search_batch(queries, 10);
  const auto hits_b = b.search_batch(queries, 10);
  for (size_t q = 0; q < hits_a.size(); ++q) {
    ASSERT_EQ(hits_a[q].size(), hits_b[q].size());
    for (size_t i = 0; i < hits_a[q].size(); ++i) {
      EXPECT_EQ(hits_a[q][i].index, hits_b[q][i].index);
      EXPECT_EQ(hits_a[q][i].score, hits_b[q][i].score);
    }
  }
}

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(IndexStoreTest, RoundTripGivesIdenticalResultsForEveryKind) {
  for (const auto& spec : kSpecs) {
    testing::TempDir dir;
    const auto original = build(spec);
    original->save(dir.path() + "/idx");
    EXPECT_FALSE(std::filesystem::exists(dir.path() + "/idx/index.bin.tmp"));
    const auto loaded = ItemIndex::load(dir.path() + "/idx", kDim);
    EXPECT_EQ(loaded->spec(), original->spec());
    EXPECT_EQ(loaded->size(), original->size());
    EXPECT_EQ(loaded->dim(), kDim);
    expect_same_results(*original, *loaded);
  }
}

TEST(IndexStoreTest, AddAfterLoadAndEmptyIndexRoundTrip) {
  for (const auto& spec : kSpecs) {
    testing::TempDir dir;
    build(spec)->save(dir.path());
    auto loaded = ItemIndex::load(dir.path());
    std::vector<float> fresh(kDim, 0.0f);
    fresh[3] = 1.0f;
    loaded->add({7}, fresh);
    EXPECT_EQ(loaded->size(), 2001) << spec;
    EXPECT_EQ(loaded->search(fresh, 1).at(0).index, 7) << spec;
    // Saving over an existing index replaces it.
    loaded->save(dir.path());
    EXPECT_EQ(ItemIndex::load(dir.path())->size(), 2001) << spec;

    testing::TempDir empty_dir;
    ItemIndex::create(spec, kDim)->save(empty_dir.path());
    auto empty = ItemIndex::load(empty_dir.path());
    EXPECT_EQ(empty->size(), 0) << spec;
    EXPECT_TRUE(empty->search(fresh, 3).empty()) << spec;
    empty->add({1}, fresh);
    EXPECT_EQ(empty->search(fresh, 3).size(), 1u) << spec;
  }
}

TEST(IndexStoreTest, CorruptOrTruncatedBinaryIsRejectedNamingTheFile) {
  for (const auto& spec : kSpecs) {
    testing::TempDir dir;
    build(spec, 300)->save(dir.path());
    const std::string bin = dir.path() + "/index.bin";
    {
      std::fstream file(bin, std::ios::in | std::ios::out | std::ios::binary);
      file.seekp(200);
      file.put('\x5a');
    }
    EXPECT_NE(error_of([&] { ItemIndex::load(dir.path()); }).find(bin + ": corrupt"),
              std::string::npos)
        << spec;
    std::filesystem::resize_file(bin, 100);
    EXPECT_NE(error_of([&] { ItemIndex::load(dir.path()); }).find(bin + ": corrupt"),
              std::string::npos)
        << spec;
    std::filesystem::remove(bin);
    EXPECT_EQ(error_of([&] { ItemIndex::load(dir.path()); }), bin + ": missing");
  }
}

TEST(IndexStoreTest, BadOrMismatchedMetadataIsRejectedNamingTheFile) {
  testing::TempDir dir;
  const std::string json = dir.path() + "/index.json";
  EXPECT_NE(error_of([&] { ItemIndex::load(dir.path()); }).find(json + ": cannot open"),
            std::string::npos);
  build("Flat", 50)->save(dir.path());
  EXPECT_EQ(error_of([&] { ItemIndex::load(dir.path(), 32); }),
            json + ": index has dimension 16, expected 32");
  std::ifstream in(json);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto rewrite = [&](const std::string& from, const std::string& to) {
    std::string changed = text;
    changed.replace(changed.find(from), from.size(), to);
    std::ofstream(json, std::ios::trunc) << changed;
  };
  rewrite("\"Flat\"", "\"IVF?\"");
  EXPECT_NE(error_of([&] { ItemIndex::load(dir.path()); }).find(json + ": invalid index spec"),
            std::string::npos);
  rewrite("\"Flat\"", "\"SQ8\"");  // checksum still matches: the header check catches it
  EXPECT_NE(error_of([&] { ItemIndex::load(dir.path()); }).find("does not match the metadata"),
            std::string::npos);
  rewrite("\"count\": 50", "\"count\": 49");
  EXPECT_NE(error_of([&] { ItemIndex::load(dir.path()); }).find("index.bin: header"),
            std::string::npos);
  rewrite("\"dim\": 16", "\"dim\": \"16\"");
  EXPECT_EQ(error_of([&] { ItemIndex::load(dir.path()); }),
            json + ": key \"dim\" has the wrong type");
  std::ofstream(json, std::ios::trunc) << "{\"format\": ";
  EXPECT_NE(error_of([&] { ItemIndex::load(dir.path()); }).find(json + ": malformed JSON"),
            std::string::npos);
}

TEST(IndexStoreTest, HnswGraphOfAnotherSpecIsRejected) {
  testing::TempDir dir;
  build("HNSW8,efc=40,ef=20", 300)->save(dir.path());
  const std::string json = dir.path() + "/index.json";
  std::ifstream in(json);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  text.replace(text.find("HNSW8"), 5, "HNSW9");
  std::ofstream(json, std::ios::trunc) << text;
  EXPECT_NE(error_of([&] { ItemIndex::load(dir.path()); }).find("does not match spec HNSW9"),
            std::string::npos);
}

}  // namespace
}  // namespace towerrec
