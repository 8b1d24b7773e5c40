/**
 * The Redis store's record scripts: each rule-bearing read-modify-write (key cap, charge, conditional write, job
 * settlement, fault counters, delivery claims) runs as one script, so it is atomic across every simulator instance
 * sharing the server. `P` (ARGV or KEYS) is the key prefix; key names follow keys.ts.
 */
/**
 * Insert a key unless the workspace has `max` active. KEYS: active count, key, credential, credential records,
 * workspace key index, seq, user, workspace. ARGV: max, key json, key id, workspace id.
 * The credential hash (what a request's key hash finds) holds the key id, its workspace and the workspace's type,
 * which never change while the key is active, and later the key's rate-limit counters: short fields only, so Redis
 * keeps it as a compact listpack. The key and user records, read only by a caller that does not hold them yet,
 * sit beside it as one string `keyJson,userJson` (absent when the user is unknown: the key then finds no caller).
 * Revoking a key deletes both.
 */
export const INSERT_KEY = `
local active = tonumber(redis.call('GET', KEYS[1]) or '0')
if active >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[2], ARGV[2])
redis.call('HSET', KEYS[3], 'id', ARGV[3], 'ws', ARGV[4], 'type', redis.call('HGET', KEYS[8], 'type') or '')
local user = redis.call('GET', KEYS[7])
if user then redis.call('SET', KEYS[4], ARGV[2] .. ',' .. user) end
redis.call('ZADD', KEYS[5], redis.call('INCR', KEYS[6]), ARGV[3])
return 1
`;

/**
 * Revoke a key once: it stops authenticating at once. KEYS: key, active count, credential, credential records.
 * ARGV: revoked_at.
 */
export const REVOKE_KEY = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local key = cjson.decode(raw)
if key.revoked_at ~= cjson.null and key.revoked_at ~= nil then return 0 end
key.revoked_at = ARGV[1]
redis.call('SET', KEYS[1], cjson.encode(key))
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('DECR', KEYS[2])
return 1
`;

/**
 * Charge `cost` and write records, or nothing when the balance is short or a record of the basis changed. KEYS[1] =
 * workspace hash, KEYS[2] = seq. ARGV = prefix, cost, n, then n pairs of the basis ("kind:id", json as read), then
 * per record: kind, id, workspace, json, due (for an unfinished job: when it is due, in
 * simulated ms; else empty), CDN path (an asset's, else empty). Unfinished jobs join the workspace's open set
 * (counted as `open` in its hash, which admission reads) and the shared due index; an asset is found by its CDN
 * path.
 * Returns { ok, balance }: ok 1 charged, 0 short, 2 a basis record changed.
 */
export const CHARGE_AND_WRITE = `
local P = ARGV[1]
local cost = tonumber(ARGV[2])
local first = 4 + 2 * tonumber(ARGV[3])
-- The records the charge was planned from must still be stored exactly as they were read.
for i = 4, first - 1, 2 do
  if redis.call('GET', P .. 'res:' .. ARGV[i]) ~= ARGV[i + 1] then return { 2, 0 } end
end
local balance = tonumber(redis.call('HGET', KEYS[1], 'balance') or '-1')
if balance < 0 then return { 0, 0 } end
if balance < cost then return { 0, balance } end
-- Lua's unary minus of 0 is -0, which Redis refuses as an integer: a free charge touches nothing.
if cost > 0 then balance = redis.call('HINCRBY', KEYS[1], 'balance', -cost) end
for i = first, #ARGV, 6 do
  local kind, id, ws, json, due, path = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5]
  redis.call('SET', P .. 'res:' .. kind .. ':' .. id, json)
  if path ~= '' then redis.call('SET', P .. 'asset-path:' .. path, id) end
  redis.call('ZADD', P .. 'idx:' .. kind .. ':' .. ws, 'NX', redis.call('INCR', KEYS[2]), id)
  if due ~= '' then
    if redis.call('SADD', P .. 'open:' .. ws, id) == 1 then redis.call('HINCRBY', P .. 'ws:' .. ws, 'open', 1) end
    redis.call('ZADD', P .. 'due:jobs', tonumber(due), ws .. '|' .. id)
  end
end
return { 1, balance }
`;

/**
 * Put one resource (and keep the open-jobs set, its count in the workspace hash and the asset's CDN path right).
 * KEYS: resource, index, open set, seq, CDN path key, workspace hash. ARGV: id, json, open, has a CDN path, the
 * record as read ('' for none: written whatever is stored). Returns 1 when written, 0 when the record changed.
 */
export const PUT_RESOURCE = `
if ARGV[5] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[5] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[4] == '1' then redis.call('SET', KEYS[5], ARGV[1]) end
redis.call('ZADD', KEYS[2], 'NX', redis.call('INCR', KEYS[4]), ARGV[1])
if ARGV[3] == '1' then
  if redis.call('SADD', KEYS[3], ARGV[1]) == 1 then redis.call('HINCRBY', KEYS[6], 'open', 1) end
elseif ARGV[3] == '0' then
  if redis.call('SREM', KEYS[3], ARGV[1]) == 1 then redis.call('HINCRBY', KEYS[6], 'open', -1) end
end
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
if redis.call('SREM', KEYS[2], job.id) == 1 then redis.call('HINCRBY', KEYS[3], 'open', -1) end
redis.call('ZREM', ARGV[1] .. 'due:jobs', job.workspace_id .. '|' .. job.id)
for i = 4, #ARGV, 2 do redis.call('SET', ARGV[1] .. 'res:asset:' .. ARGV[i], ARGV[i + 1]) end
local refund = tonumber(ARGV[3])
if refund > 0 then redis.call('HINCRBY', KEYS[3], 'balance', refund) end
return 1
`;

/**
 * The caller of a key hash in one round trip, with the faults in force. ARGV = prefix, hash.
 * Returns nil, or { "keyJson,userJson", workspaceType, balance, openJobs, nFaultValues, faultField1, faultValue1,
 * ... }.
 */
export const FIND_CREDENTIALS = `
local P = ARGV[1]
local c = redis.call('HMGET', P .. 'cred:' .. ARGV[2], 'ws', 'type')
local records = redis.call('GET', P .. 'cred-records:' .. ARGV[2])
if not c[1] or not records then return nil end
local ws = redis.call('HMGET', P .. 'ws:' .. c[1], 'balance', 'open')
if not ws[1] then return nil end
local faults = redis.call('HGETALL', P .. 'faults')
local out = { records, c[2], ws[1], ws[2] or '0', #faults }
for _, v in ipairs(faults) do out[#out + 1] = v end
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
 * Claim due deliveries for a lease, oldest due first. KEYS[1] = due index. ARGV = now, lease end, max, prefix,
 * per-webhook bound (0: none), then pairs of webhook id and tries already under way. A webhook at its bound is
 * passed over (at most 1,000 due entries are looked at per call). Returns the claimed delivery records (JSON).
 */
export const CLAIM_DELIVERIES = `
local max, bound = tonumber(ARGV[3]), tonumber(ARGV[5])
local taken = {}
for i = 6, #ARGV, 2 do taken[ARGV[i]] = tonumber(ARGV[i + 1]) end
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 1000)) do
  if #out >= max then break end
  local raw = redis.call('GET', ARGV[4] .. 'delivery:' .. id)
  if not raw then
    redis.call('ZREM', KEYS[1], id)
  else
    local hook = bound > 0 and cjson.decode(raw).webhook_id or ''
    if bound == 0 or (taken[hook] or 0) < bound then
      taken[hook] = (taken[hook] or 0) + 1
      redis.call('ZADD', KEYS[1], tonumber(ARGV[2]), id)
      out[#out + 1] = raw
    end
  end
end
return out
`;
