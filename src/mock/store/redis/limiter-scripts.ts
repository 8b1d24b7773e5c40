/**
 * The Redis store's limiter scripts: the rate-limit decision in Lua (the same table as rules/rate-limit.ts holds
 * it to: tests/store/rate-limit-table.test.ts) and ADMIT, the hot path. Every key a script touches comes in KEYS
 * (keys.ts names them): none is built inside a script, so each call stays in one Redis Cluster hash slot.
 */
/**
 * The limiter and the shared clock as Lua functions (shared by RATE_LIMIT and ADMIT): one arithmetic for both.
 * Fixed windows anchored at the first admitted request, counting admitted requests only. One identity's windows
 * are fields {s1, c1, s2, c2, ...} (start in simulated ms, count) of one hash: a key's own credential hash (it
 * lives as long as the key), or a client address's hash, which expires by TTL when its last window ends, set in
 * the same step as a window's first count: no immortal keys. `got` holds the fields as read, from index `from`.
 * Numbers leave as integer strings (string.format '%d'): Lua's own number formatting is a slow multi-precision
 * printf.
 */
export const LIMITER_FN = `
local function windows_from(at, n)
  local w = { n = n, limits = {}, lengths = {}, fields = {}, sf = {}, cf = {} }
  for i = 1, n do
    w.limits[i] = tonumber(ARGV[at + 2 * i - 2])
    w.lengths[i] = tonumber(ARGV[at + 2 * i - 1])
    w.sf[i] = 's' .. i
    w.cf[i] = 'c' .. i
    w.fields[2 * i - 1] = w.sf[i]
    w.fields[2 * i] = w.cf[i]
  end
  return w
end

local function clock(offset_key)
  local t = redis.call('TIME')
  local offset = tonumber(redis.call('GET', offset_key) or '0')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + offset
  return now, string.format('%d', now), string.format('%d', offset)
end

local function rate_limit(key, got, from, w, now, nowS, expires)
  local allowed, starts, counts = true, {}, {}
  for i = 1, w.n do
    local start, count = got[from + 2 * i - 2], tonumber(got[from + 2 * i - 1] or '0')
    if not start or now >= tonumber(start) + w.lengths[i] then start = nil; count = 0 end
    starts[i] = start
    counts[i] = count
    if count >= w.limits[i] then allowed = false end
  end
  if allowed then
    local set, m, fresh = {}, 0, false
    for i = 1, w.n do
      if not starts[i] then
        starts[i] = nowS
        fresh = true
        set[m + 1] = w.sf[i]; set[m + 2] = nowS; m = m + 2
      end
      counts[i] = counts[i] + 1
      set[m + 1] = w.cf[i]; set[m + 2] = string.format('%d', counts[i]); m = m + 2
    end
    redis.call('HSET', key, unpack(set))
    if fresh and expires then
      local ends = 0
      for i = 1, w.n do ends = math.max(ends, tonumber(starts[i]) + w.lengths[i]) end
      redis.call('PEXPIRE', key, ends - now)
    end
  end
  for i = 1, w.n do
    starts[i] = starts[i] or '-1'
    counts[i] = string.format('%d', counts[i])
  end
  return allowed, starts, counts
end
`;

/**
 * Rate limit one identity. KEYS[1] = its limiter hash, KEYS[2] = the shared clock offset.
 * ARGV = limit_1, windowMs_1, limit_2, windowMs_2, ...
 * Returns { allowed, nowMs, offsetMs, start_1, count_1, start_2, count_2, ... } (start -1: no window open).
 */
export const RATE_LIMIT = `${LIMITER_FN}
local w = windows_from(1, #ARGV / 2)
local now, nowS, offset = clock(KEYS[2])
local got = redis.call('HMGET', KEYS[1], unpack(w.fields))
local allowed, starts, counts = rate_limit(KEYS[1], got, 1, w, now, nowS, true)
local out = { allowed and 1 or 0, nowS, offset }
for i = 1, w.n do out[#out + 1] = starts[i]; out[#out + 1] = counts[i] end
return out
`;

/**
 * Who is calling and whether the limiter admits them, for every request of a batch, in one round trip: the
 * credentials of each key hash and the limiter on that key's windows, or on the client address's when the key is
 * unknown. Requests are taken in order, each counted as if alone; the batch shares one clock reading and one
 * view of the faults (the script is atomic: nothing else runs in between). Every key it touches is in KEYS (one
 * hash slot: the store's), none is built here.
 * KEYS = clock offset, faults, then per request four: the key hash's credential, its workspace hash, its credential
 * records, the address's limiter (a request without one of them passes the clock offset's name in its place).
 * ARGV = number of windows, limit_1, windowMs_1, ..., then per request four: '1' when a key hash is given, the
 * workspace id the caller expects it in ('' when it does not know one), '1' when the address is limited, the key id
 * whose records the caller already holds ('' for none).
 * Returns one JSON document: { now, offset, faults: { field: value }, items: [[keyId|null, keyJson|0, userJson|0,
 * type|null, balance, openJobs, allowed, start_1, count_1, ...] | 0, ...] }. The key and user records are left out
 * (0) when the caller holds them for that key id: they never change while the key is active. An item that is a
 * string is the workspace the key is in, when the caller expected another (or none): nothing was read or counted
 * for it, and the caller asks again with that workspace's keys.
 */
export const ADMIT = `${LIMITER_FN}
local w = windows_from(2, tonumber(ARGV[1]))
local now, nowS, offset = clock(KEYS[1])
local faults = redis.call('HGETALL', KEYS[2])
local fields = {}
for i = 1, #faults, 2 do fields[#fields + 1] = cjson.encode(faults[i]) .. ':' .. faults[i + 1] end
local out = { '{"now":', nowS, ',"offset":', offset, ',"faults":{', table.concat(fields, ','), '},"items":[' }
local n = #out
local first = 2 + 2 * w.n
for at = first, #ARGV, 4 do
  local k = 2 + (at - first)
  local keyed, expected, limited, held = ARGV[at], ARGV[at + 1], ARGV[at + 2], ARGV[at + 3]
  if at > first then n = n + 1; out[n] = ',' end
  local item, allowed, starts, counts, moved = nil, nil, nil, nil, nil
  if keyed ~= '' then
    local c = redis.call('HMGET', KEYS[k + 1], 'id', 'ws', 'type', unpack(w.fields))
    if c[1] and c[2] ~= expected then moved = c[2] end
    local ws = c[1] and not moved and redis.call('HMGET', KEYS[k + 2], 'balance', 'open')
    local records = '0,0'
    if ws and ws[1] and c[1] ~= held then
      records = redis.call('GET', KEYS[k + 3])
      if not records then ws = nil end
    end
    if ws and ws[1] then
      local open = tonumber(ws[2] or '0') > 0 and 'true' or 'false'
      item = '["' .. c[1] .. '",' .. records .. ',"' .. c[3] .. '",' .. ws[1] .. ',' .. open .. ','
      allowed, starts, counts = rate_limit(KEYS[k + 1], c, 4, w, now, nowS, false)
    end
  end
  if moved then
    n = n + 1; out[n] = '"' .. moved .. '"'
  else
    if not item and limited == '' then
      item = '[null,0,0,null,0,false,'
      allowed, starts, counts = true, {}, {}
      for i = 1, w.n do starts[i] = '-1'; counts[i] = '0' end
    elseif not item then
      item = '[null,0,0,null,0,false,'
      local rl = KEYS[k + 4]
      allowed, starts, counts = rate_limit(rl, redis.call('HMGET', rl, unpack(w.fields)), 1, w, now, nowS, true)
    end
    out[n + 1] = item
    out[n + 2] = allowed and '1' or '0'
    n = n + 2
    for i = 1, w.n do
      out[n + 1] = ','; out[n + 2] = starts[i]; out[n + 3] = ','; out[n + 4] = counts[i]
      n = n + 4
    end
    n = n + 1; out[n] = ']'
  end
end
out[n + 1] = ']}'
return table.concat(out)
`;
