/**
 * The Redis store's Lua scripts: each rule-bearing read-modify-write runs as one script, so it is atomic across
 * every simulator instance sharing the server. `P` (ARGV[1] or KEYS) is the key prefix.
 */

/**
 * Rate limit, fixed windows anchored at the first admitted request, counting admitted requests only.
 * KEYS[i] = one hash {start, count} per window (hash-tagged by identity, so one cluster slot); KEYS[n+1] = the
 * shared clock offset. ARGV = limit_1, windowMs_1, limit_2, windowMs_2, ...
 * Time is Redis TIME plus the shared offset. TTLs are set in the same step as the first count: no immortal keys.
 * Returns { allowed, nowMs, offsetMs, start_1, count_1, start_2, count_2, ... }.
 */
/** The limiter as a Lua function (shared by RATE_LIMIT and ADMIT): same arithmetic in both. */
const LIMITER_FN = `
local function rate_limit(keys, offset_key, args)
  local n = #keys
  local t = redis.call('TIME')
  local offset = tonumber(redis.call('GET', offset_key) or '0')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + offset
  local starts, counts = {}, {}
  local allowed = true
  for i = 1, n do
    local limit = tonumber(args[2 * i - 1])
    local window = tonumber(args[2 * i])
    local counter = redis.call('HMGET', keys[i], 'start', 'count')
    local start = tonumber(counter[1] or '-1')
    local count = tonumber(counter[2] or '0')
    if start < 0 or now >= start + window then start = -1; count = 0 end
    starts[i] = start; counts[i] = count
    if count >= limit then allowed = false end
  end
  local out = { allowed and 1 or 0, now, offset }
  for i = 1, n do
    local window = tonumber(args[2 * i])
    if allowed then
      if starts[i] < 0 then
        starts[i] = now
        redis.call('HSET', keys[i], 'start', now, 'count', 1)
        redis.call('PEXPIRE', keys[i], window)
        counts[i] = 1
      else
        counts[i] = redis.call('HINCRBY', keys[i], 'count', 1)
      end
    end
    out[#out + 1] = starts[i]
    out[#out + 1] = counts[i]
  end
  return out
end
`;

export const RATE_LIMIT = `${LIMITER_FN}
local keys = {}
for i = 1, #KEYS - 1 do keys[i] = KEYS[i] end
return rate_limit(keys, KEYS[#KEYS], ARGV)
`;

/** Insert a key unless the workspace has `max` active. KEYS: active count, key, keyhash, workspace key index, seq. */
export const INSERT_KEY = `
local active = tonumber(redis.call('GET', KEYS[1]) or '0')
if active >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3], ARGV[3])
redis.call('ZADD', KEYS[4], redis.call('INCR', KEYS[5]), ARGV[3])
return 1
`;

/** Revoke a key once. KEYS: key, active count. ARGV: revoked_at. */
export const REVOKE_KEY = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local key = cjson.decode(raw)
if key.revoked_at ~= cjson.null and key.revoked_at ~= nil then return 0 end
key.revoked_at = ARGV[1]
redis.call('SET', KEYS[1], cjson.encode(key))
redis.call('DECR', KEYS[2])
return 1
`;

/**
 * Charge `cost` and write records, or nothing when the balance is short. KEYS[1] = workspace hash, KEYS[2] = seq.
 * ARGV = prefix, cost, then per record: kind, id, workspace, json, due (for an unfinished job: when it is due, in
 * simulated ms; else empty), CDN path (an asset's, else empty). Unfinished jobs join the workspace's open set and
 * the shared due index; an asset is found by its CDN path.
 * Returns { ok, balance }.
 */
export const CHARGE_AND_WRITE = `
local P = ARGV[1]
local cost = tonumber(ARGV[2])
local balance = tonumber(redis.call('HGET', KEYS[1], 'balance') or '-1')
if balance < 0 then return { 0, 0 } end
if balance < cost then return { 0, balance } end
balance = redis.call('HINCRBY', KEYS[1], 'balance', -cost)
for i = 3, #ARGV, 6 do
  local kind, id, ws, json, due, path = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5]
  redis.call('SET', P .. 'res:' .. kind .. ':' .. id, json)
  if path ~= '' then redis.call('SET', P .. 'asset-path:' .. path, id) end
  redis.call('ZADD', P .. 'idx:' .. kind .. ':' .. ws, 'NX', redis.call('INCR', KEYS[2]), id)
  if due ~= '' then
    redis.call('SADD', P .. 'open:' .. ws, id)
    redis.call('ZADD', P .. 'due:jobs', tonumber(due), ws .. '|' .. id)
  end
end
return { 1, balance }
`;

/**
 * Put one resource (and keep the open-jobs set and the asset's CDN path right). KEYS: resource, index, open set,
 * seq, CDN path key. ARGV: id, json, open, has a CDN path ("1" or "").
 */
export const PUT_RESOURCE = `
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[4] == '1' then redis.call('SET', KEYS[5], ARGV[1]) end
redis.call('ZADD', KEYS[2], 'NX', redis.call('INCR', KEYS[4]), ARGV[1])
if ARGV[3] == '1' then redis.call('SADD', KEYS[3], ARGV[1]) elseif ARGV[3] == '0' then redis.call('SREM', KEYS[3], ARGV[1]) end
return 1
`;

/**
 * Finish a job at most once: final status, asset updates, refund. KEYS[1] = job, KEYS[2] = open set, KEYS[3] =
 * workspace hash. ARGV = prefix, job json, refund, then asset id/json pairs. Returns 1 when it finished the job.
 */
export const FINISH_JOB = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local status = cjson.decode(raw).status
if status == 'completed' or status == 'failed' then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
local job = cjson.decode(ARGV[2])
redis.call('SREM', KEYS[2], job.id)
redis.call('ZREM', ARGV[1] .. 'due:jobs', job.workspace_id .. '|' .. job.id)
for i = 4, #ARGV, 2 do redis.call('SET', ARGV[1] .. 'res:asset:' .. ARGV[i], ARGV[i + 1]) end
local refund = tonumber(ARGV[3])
if refund > 0 then redis.call('HINCRBY', KEYS[3], 'balance', refund) end
return 1
`;

/**
 * The caller of a key hash as a Lua function (shared by FIND_CREDENTIALS and ADMIT). Returns nil, or
 * { keyJson, userJson, workspaceType, balance, openJobs, nFaultValues, faultField1, faultValue1, ... } and the key id.
 */
const CREDENTIALS_FN = `
local function credentials(P, hash)
  local id = redis.call('GET', P .. 'keyhash:' .. hash)
  if not id then return nil end
  local raw = redis.call('GET', P .. 'key:' .. id)
  if not raw then return nil end
  local key = cjson.decode(raw)
  if key.revoked_at ~= cjson.null and key.revoked_at ~= nil then return nil end
  local user = redis.call('GET', P .. 'user:' .. key.user_id)
  local ws = redis.call('HMGET', P .. 'ws:' .. key.workspace_id, 'type', 'balance')
  if not user or not ws[1] then return nil end
  local faults = redis.call('HGETALL', P .. 'faults')
  local out = { raw, user, ws[1], ws[2], redis.call('SCARD', P .. 'open:' .. key.workspace_id), #faults }
  for _, v in ipairs(faults) do out[#out + 1] = v end
  return out, key.id
end
`;

/** The caller of a key hash in one round trip, with the faults in force. ARGV = prefix, hash. */
export const FIND_CREDENTIALS = `${CREDENTIALS_FN}
local out = credentials(ARGV[1], ARGV[2])
return out
`;

/**
 * Workspaces with a job due by the shared clock. KEYS[1] = due index, KEYS[2] = clock offset.
 * Returns { offsetMs, member... } (members are "workspace|job").
 */
export const DUE_JOBS = `
local t = redis.call('TIME')
local offset = tonumber(redis.call('GET', KEYS[2]) or '0')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + offset
local out = { offset }
for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 1000)) do out[#out + 1] = m end
return out
`;

/** Take up to ARGV[2] units of the counter field ARGV[1] of hash KEYS[1]; returns how many were taken. */
export const TAKE_COUNT = `
local have = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local taken = math.min(have, tonumber(ARGV[2]))
if taken > 0 then redis.call('HINCRBY', KEYS[1], ARGV[1], -taken) end
return taken
`;

/**
 * Claim due deliveries for a lease. KEYS[1] = due index. ARGV = now, lease end, max, prefix.
 * Returns the claimed delivery records (JSON).
 */
export const CLAIM_DELIVERIES = `
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))) do
  local raw = redis.call('GET', ARGV[4] .. 'delivery:' .. id)
  if raw then
    redis.call('ZADD', KEYS[1], tonumber(ARGV[2]), id)
    out[#out + 1] = raw
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
`;

/**
 * Who is calling and whether the limiter admits them, in one round trip: the credentials of a key hash (as
 * FIND_CREDENTIALS) and the limiter on that key's windows, or on the client address's when the key is unknown.
 * ARGV = prefix, key hash ('' for none), address identity, then limit_1, windowMs_1, ...
 * Returns { found, [keyJson, userJson, type, balance, open, nFaultValues, faultPairs...], limiter output... }.
 */
export const ADMIT = `${LIMITER_FN}${CREDENTIALS_FN}
local P = ARGV[1]
local creds, keyId = nil, nil
if ARGV[2] ~= '' then creds, keyId = credentials(P, ARGV[2]) end
local identity = keyId and ('key:' .. keyId) or ARGV[3]
local args = {}
for i = 4, #ARGV do args[#args + 1] = ARGV[i] end
local keys = {}
for i = 1, #args / 2 do keys[i] = P .. 'rl:{' .. identity .. '}:' .. (i - 1) end
local out = { creds and 1 or 0 }
for _, v in ipairs(creds or {}) do out[#out + 1] = v end
for _, v in ipairs(rate_limit(keys, P .. 'clock:offset', args)) do out[#out + 1] = v end
return out
`;
