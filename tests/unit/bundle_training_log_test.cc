// read_training_log: the per-epoch history of a bundle.
#include <cmath>

#include <gtest/gtest.h>

#include "test_support.h"
#include "towerrec/bundle.h"
#include "towerrec/error.h"

namespace towerrec {
namespace {

TEST(TrainingLogTest, ReadsEveryEpochAndNullAsNaN) {
  testing::TempDir dir;
  dir.write("train_log.jsonl",
            "{\"epoch\":1,\"loss\":6.5,\"val_metric\":0.05,\"metric\":\"ndcg@10\",\"lr\":0.001,"
            "\"examples_per_second\":30000,\"seconds\":1.25}\n\n"
            "{\"epoch\":2,\"loss\":5.0,\"val_metric\":null,\"metric\":\"ndcg@10\",\"lr\":0.0005,"
            "\"examples_per_second\":31000,\"seconds\":1.5}\n");
  const TrainingLog log = read_training_log(dir.path());
  EXPECT_EQ(log.metric, "ndcg@10");
  ASSERT_EQ(log.epochs.size(), 2u);
  EXPECT_EQ(log.epochs[0].epoch, 1);
  EXPECT_DOUBLE_EQ(log.epochs[0].loss, 6.5);
  EXPECT_DOUBLE_EQ(log.epochs[0].val_metric, 0.05);
  EXPECT_DOUBLE_EQ(log.epochs[0].seconds, 1.25);
  EXPECT_DOUBLE_EQ(log.epochs[1].lr, 0.0005);
  EXPECT_DOUBLE_EQ(log.epochs[1].examples_per_second, 31000);
  EXPECT_TRUE(std::isnan(log.epochs[1].val_metric));
}

TEST(TrainingLogTest, MalformedLinesAreNamed) {
  testing::TempDir dir;
  dir.write("train_log.jsonl", "{\"epoch\":1,\"loss\":1}\n");
  try {
    read_training_log(dir.path());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("train_log.jsonl:1: missing 'val_metric'"),
              std::string::npos)
        << e.what();
  }
  dir.write("train_log.jsonl", "{\"epoch\":1,\n");
  EXPECT_THROW(read_training_log(dir.path()), Error);
  testing::TempDir empty;
  EXPECT_THROW(read_training_log(empty.path()), Error);
}

// An epoch past int64 (or null, or negative) is refused naming the line; converting it
// to an integer was undefined behaviour before.
TEST(TrainingLogTest, EpochOutOfRangeIsRefused) {
  const std::string rest =
      R"(, "loss": 1, "val_metric": 1, "lr": 1, "examples_per_second": 1, "seconds": 1})";
  for (const std::string epoch : {"1e300", "null", "-1"}) {
    testing::TempDir dir;
    dir.write("train_log.jsonl", R"({"epoch": 1)" + rest + "\n{\"epoch\": " + epoch + rest + "\n");
    try {
      read_training_log(dir.path());
      ADD_FAILURE() << "accepted epoch " << epoch;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("train_log.jsonl:2: 'epoch' must be"), std::string::npos)
          << e.what();
    }
  }
}

// A number too large for a double makes the JSON library throw out_of_range rather than
// parse_error; the reader names the line instead of letting it escape (found by fuzzing).
TEST(TrainingLogTest, NumberPastDoubleRangeIsNamed) {
  testing::TempDir dir;
  dir.write("train_log.jsonl", "{\"epoch\": 1, \"loss\": 2.5, \"metric\": 8e888888}\n");
  const std::string message = testing::error_of([&] { read_training_log(dir.path()); });
  EXPECT_NE(message.find("train_log.jsonl:1: invalid JSON"), std::string::npos) << message;
}

}  // namespace

}  // namespace towerrec
