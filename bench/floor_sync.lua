-- wrk script for the floor sync API (bench/group_bench.py starts it):
--   wrk -c N -d 10s -s bench/floor_sync.lua http://127.0.0.1:PORT -- COOKIE CSRF CONFIG
-- COOKIE is the session cookie of a real login, CSRF the token from /api/floor/csrf, CONFIG a
-- Lua file answering {prefix=, batch=, zones={...}, students={...}} (written by the bench).
-- Every request posts one batch of new entries with UUIDs unique per run, thread and request.

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

local cookie, csrf, cfg
local counter = 0
local kinds = {"contact", "contact", "contact", "gesprek", "spanning", "groep", "vlag", "deescalatie"}

function init(args)
  cookie, csrf = args[1], args[2]
  cfg = dofile(args[3])
  math.randomseed(tid * 7919 + os.time())
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Cookie"] = cookie
  wrk.headers["X-CSRFToken"] = csrf
end

local function entry(stamp)
  counter = counter + 1
  local uuid = string.format("%s-%04x-4000-8000-%012x", cfg.prefix, tid, counter)
  local kind = kinds[math.random(#kinds)]
  local zone = cfg.zones[math.random(#cfg.zones)]
  local student = cfg.students[math.random(#cfg.students)]
  local extra, students = "", "[]"
  if kind == "gesprek" then
    extra = ',"topic":"motivatie"'
    students = '["' .. student .. '"]'
  elseif kind == "spanning" then
    extra = ',"severity":"middel"'
  elseif kind == "groep" then
    extra = ',"head_count":12'
  elseif kind == "vlag" then
    extra = ',"flag_type":"opvolgen"'
    students = '["' .. student .. '"]'
  elseif kind == "deescalatie" then
    extra = ',"outcome":"opgelost"'
    students = '["' .. student .. '"]'
  end
  return string.format(
    '{"uuid":"%s","kind":"%s","zone_id":%d,"occurred_at":"%s","students":%s%s}',
    uuid, kind, zone, stamp, students, extra)
end

function request()
  local stamp = os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - 300)
  local items = {}
  for i = 1, cfg.batch do
    items[i] = entry(stamp)
  end
  local body = '{"entries":[' .. table.concat(items, ",") .. ']}'
  return wrk.format(nil, "/api/floor/entries", nil, body)
end

function done(summary, latency, requests)
  io.write(string.format(
    "RESULT requests=%d duration_us=%d status_errors=%d socket_errors=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
