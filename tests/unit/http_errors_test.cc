// How errors reach a client: user errors keep their message and 4xx status; a broken
// invariant (InternalError) or any other exception becomes a 500 that names only an
// error id, never the message, a path or a source location.
#include <stdexcept>

#include "http_test_fixture.h"

namespace towerrec::testing {
namespace {

class HttpErrorsTest : public ServerTest {
 protected:
  // GET the status route with status() throwing what `fault` throws; returns the answer.
  nlohmann::json status_with(std::function<void()> fault, int expected_status) {
    service_.status_fault = std::move(fault);
    auto result = get("/api/v1/algorithms/status");
    EXPECT_TRUE(result);
    if (!result) return nullptr;
    EXPECT_EQ(result->status, expected_status) << result->body;
    return nlohmann::json::parse(result->body);
  }
};

TEST_F(HttpErrorsTest, UserErrorIs400WithItsMessage) {
  const auto body = status_with(
      [] { throw Error(ErrorCode::kInvalidArgument, "weights must not all be 0"); }, 400);
  EXPECT_EQ(body["error"]["code"], "invalid_argument");
  EXPECT_EQ(body["error"]["message"], "weights must not all be 0");
}

TEST_F(HttpErrorsTest, InternalErrorIs500WithAnIdAndNoDetails) {
  const auto body = status_with(
      [] { check_internal(false, "row 7 of /srv/secret/index.bin is out of range"); }, 500);
  EXPECT_EQ(body["error"]["code"], "internal");
  const std::string message = body["error"]["message"];
  EXPECT_EQ(message.rfind("internal error, reference ", 0), 0u) << message;
  for (const char* leak : {"row 7", "/srv/secret", "http_errors_test", ".cc"}) {
    EXPECT_EQ(message.find(leak), std::string::npos) << leak << " leaked: " << message;
  }
  // Each failure gets its own id.
  const auto again = status_with([] { throw InternalError("broken"); }, 500);
  EXPECT_NE(again["error"]["message"], body["error"]["message"]);
}

TEST_F(HttpErrorsTest, ForeignExceptionIs500WithoutItsMessage) {
  const auto body = status_with([] { throw std::out_of_range("vector::_M_range_check: 12"); }, 500);
  EXPECT_EQ(body["error"]["code"], "internal");
  EXPECT_EQ(body["error"]["message"].get<std::string>().find("_M_range_check"), std::string::npos);
}

TEST(ErrorTypesTest, CheckAndCheckInternalRecordTheirCallSite) {
  int line = __LINE__ + 2;
  try {
    check(false, "bad input");
    FAIL();
  } catch (const InternalError&) {
    FAIL() << "a user error must not be an InternalError";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.file()).find("http_errors_test.cc"), std::string::npos) << e.file();
    EXPECT_EQ(e.line(), line);
  }
  line = __LINE__ + 2;
  try {
    check_internal(1 + 1 == 3, "arithmetic");
    FAIL();
  } catch (const InternalError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInternal);
    EXPECT_NE(std::string(e.file()).find("http_errors_test.cc"), std::string::npos) << e.file();
    EXPECT_EQ(e.line(), line);
  }
  EXPECT_THROW(TOWERREC_CHECK_INTERNAL(false, "lazy " + std::to_string(1)), InternalError);
}

}  // namespace
}  // namespace towerrec::testing
