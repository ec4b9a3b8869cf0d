#include "http/idempotency.h"

#include <cstdint>
#include <cstdio>

#include "towerrec/error.h"

namespace towerrec::http {

std::string parse_idempotency_key(bool present, const std::string& value) {
  if (!present) return "";
  check(!value.empty(), std::string("header ") + kIdempotencyKeyHeader + " is empty");
  check(value.size() <= kMaxIdempotencyKeyBytes,
        std::string("header ") + kIdempotencyKeyHeader + " is longer than " +
            std::to_string(kMaxIdempotencyKeyBytes) + " bytes");
  for (const char c : value) {
    check(c >= 0x21 && c <= 0x7e, std::string("header ") + kIdempotencyKeyHeader +
                                      " must be printable ASCII without spaces");
  }
  return value;
}

std::string body_fingerprint(const nlohmann::json& body) {
  uint64_t hash = 14695981039346656037ull;  // FNV-1a offset basis
  for (const unsigned char c : body.dump()) {
    hash ^= c;
    hash *= 1099511628211ull;  // FNV-1a prime
  }
  char text[17];
  std::snprintf(text, sizeof(text), "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace towerrec::http
