-- search.lua: wrk script for bench/run.sh: GET /search?q=… cycling through
-- the queries of $WTS_QUERIES (default bench/speed/queries.txt), each
-- connection's thread starting at its own place; prints one line
-- "WRK_JSON {…}" with the totals and the latency percentiles.
local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local paths = {}
for line in io.lines(os.getenv("WTS_QUERIES") or "bench/speed/queries.txt") do
  if line ~= "" and line:sub(1, 1) ~= "#" then
    paths[#paths + 1] = "/search?q=" .. urlencode(line)
  end
end

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("start", counter * 37)
end

local i = 0
function init(args)
  i = start or 0
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function done(summary, latency, requests)
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_s": %.3f, "non2xx": %d, "socket_errors": %d, ' ..
    '"mean_ms": %.3f, "p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
