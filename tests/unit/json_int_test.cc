// json_int and friends: integers read from JSON documents refuse what a static_cast
// would turn into undefined behaviour (floats, out-of-range values) with a type_error.
#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "util/json_int.h"

namespace towerrec {
namespace {

using nlohmann::json;

TEST(JsonIntTest, ReadsIntegersWithinTheTargetRange) {
  EXPECT_EQ(json_int<int64_t>(json::parse("-42")), -42);
  EXPECT_EQ(json_int<int32_t>(json::parse("2147483647")), 2147483647);
  EXPECT_EQ(json_int<size_t>(json::parse("7")), 7u);
  EXPECT_EQ(json_int<uint64_t>(json::parse("18446744073709551615")),
            std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(json_ints<int64_t>(json::parse("[1, -2, 3]")), (std::vector<int64_t>{1, -2, 3}));
  const auto map = json_int_map<int64_t>(json::parse(R"({"a": 1, "b": 2})"));
  EXPECT_EQ(map.at("a"), 1);
  EXPECT_EQ(map.at("b"), 2);
  EXPECT_EQ(json_int_or<int64_t>(json::parse(R"({"a": 5})"), "a", 9), 5);
  EXPECT_EQ(json_int_or<int64_t>(json::parse(R"({"a": 5})"), "b", 9), 9);
}

TEST(JsonIntTest, RefusesFloatsStringsAndValuesOutOfRange) {
  for (const char* text : {"3e70", "1.5", "2.0", "\"7\"", "null", "true", "[1]"}) {
    EXPECT_THROW(json_int<int64_t>(json::parse(text)), json::type_error) << text;
  }
  EXPECT_THROW(json_int<int32_t>(json::parse("2147483648")), json::type_error);
  EXPECT_THROW(json_int<int32_t>(json::parse("-2147483649")), json::type_error);
  EXPECT_THROW(json_int<size_t>(json::parse("-1")), json::type_error);
  EXPECT_THROW(json_int<int64_t>(json::parse("18446744073709551615")), json::type_error);
  EXPECT_THROW(json_ints<int64_t>(json::parse("[1, 2.5]")), json::type_error);
  EXPECT_THROW(json_ints<int64_t>(json::parse("{}")), json::type_error);
  EXPECT_THROW(json_int_map<int64_t>(json::parse(R"({"a": 1e300})")), json::type_error);
  EXPECT_THROW(json_int_or<int64_t>(json::parse(R"({"a": 1e30})"), "a", 0), json::type_error);
  try {
    json_int<int32_t>(json::parse("3e70"));
  } catch (const json::type_error& e) {
    EXPECT_NE(std::string(e.what()).find("expected an integer in [-2147483648, 2147483647], got "
                                         "3e+70"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace towerrec
