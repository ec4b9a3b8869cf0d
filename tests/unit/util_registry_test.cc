// Registry<T>: registration order, lookup, and the one error for unknown names.
#include "towerrec/registry.h"

#include <functional>

#include <gtest/gtest.h>

namespace towerrec {
namespace {

using Factory = std::function<int(int)>;

Registry<Factory> arithmetic() {
  return Registry<Factory>("operation", {{"double", [](int x) { return 2 * x; }},
                                         {"square", [](int x) { return x * x; }},
                                         {"negate", [](int x) { return -x; }}});
}

TEST(Registry, KeepsRegistrationOrderAndFindsEachName) {
  Registry<Factory> registry = arithmetic();
  EXPECT_EQ(registry.names(), (std::vector<std::string>{"double", "square", "negate"}));
  EXPECT_EQ(registry.at("double")(5), 10);
  EXPECT_EQ(registry.at("square")(5), 25);
  EXPECT_EQ(registry.at("negate")(5), -5);
  EXPECT_TRUE(registry.contains("square"));
  EXPECT_FALSE(registry.contains("Square"));
  registry.add("half", [](int x) { return x / 2; });
  EXPECT_EQ(registry.names().back(), "half");
  EXPECT_EQ(registry.at("half")(9), 4);
}

TEST(Registry, UnknownNamesListTheValidOnesAndSuggestATypoFix) {
  const Registry<Factory> registry = arithmetic();
  try {
    registry.at("sqare");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(std::string(e.what()),
              "unknown operation 'sqare' (valid: double, square, negate); did you mean 'square'?");
  }
  // Nothing close: no suggestion.
  EXPECT_EQ(registry.unknown_message("logarithm"),
            "unknown operation 'logarithm' (valid: double, square, negate)");
  EXPECT_THROW(registry.check("cube"), Error);
  EXPECT_NO_THROW(registry.check("negate"));
}

TEST(Registry, RefusesEmptyAndDuplicateNames) {
  Registry<Factory> registry = arithmetic();
  for (const char* name : {"", "double"}) {
    try {
      registry.add(name, [](int x) { return x; });
      FAIL() << "expected an error for '" << name << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInternal);
    }
  }
  EXPECT_EQ(registry.names().size(), 3u);
  EXPECT_EQ(registry.at("double")(1), 2);  // the first registration stands
}

}  // namespace
}  // namespace towerrec
