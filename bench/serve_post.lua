-- wrk script: the request mix of the Python peer's post.lua (a random MovieLens user id
-- 1..N_USERS, seed 42, ten items) in TowerRec's API shape: POST /api/v1/recommendations
-- {"user_id": n, "limit": 10}. Prints the same WRKJSON summary line.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n_users = tonumber(os.getenv("N_USERS") or "943")
math.randomseed(42)
request = function()
  local body = string.format('{"user_id": %d, "limit": 10}', math.random(1, n_users))
  return wrk.format("POST", "/api/v1/recommendations", nil, body)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_s": %.3f, "rps": %.1f, "errors_connect": %d, "errors_read": %d, "errors_write": %d, "errors_status": %d, "errors_timeout": %d, "mean_ms": %.3f, "p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, "p999_ms": %.3f, "max_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000))
end
