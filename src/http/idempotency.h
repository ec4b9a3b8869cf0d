// The Idempotency-Key header of POST /api/v1/events (docs/api.md): its validation and
// the fingerprint that tells a retried request from a different one under the same key.
//
// Pure functions; thread-safe. Errors: towerrec::Error (kInvalidArgument, HTTP 400) for
// a malformed key.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace towerrec::http {

constexpr const char* kIdempotencyKeyHeader = "Idempotency-Key";
constexpr size_t kMaxIdempotencyKeyBytes = 255;

// The key as given ("" when the header is absent); refuses an empty value, one longer
// than kMaxIdempotencyKeyBytes, and characters outside printable ASCII (0x21-0x7e).
std::string parse_idempotency_key(bool present, const std::string& value);

// A fingerprint of a parsed JSON body: 16 hex digits of the 64-bit FNV-1a hash of its
// canonical text (keys sorted, no whitespace), so the same batch re-encoded with other
// spacing or key order has the same fingerprint.
std::string body_fingerprint(const nlohmann::json& body);

}  // namespace towerrec::http
