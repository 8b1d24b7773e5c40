/**
 * The Redis store's record scripts: each rule-bearing read-modify-write (key cap, charge, conditional write, job
 * settlement, fault counters, delivery claims) runs as one script, so it is atomic across every simulator instance
 * sharing the server. Every key a script touches comes in KEYS (keys.ts names them), none is built inside one: each
 * call stays in one Redis Cluster hash slot, the store's (a sandbox's keys all carry its hash tag).
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
 * Charge `cost` and write records, or nothing when the balance is short or a record of the basis changed.
 * KEYS = workspace hash, seq, due index, then the n basis records' keys, then five per record: the record's key, its
 * CDN path's key (its own key again when it has none), its workspace's index of that kind, its workspace's open
 * set, its workspace hash. ARGV = cost, n, the n basis records as read, then five per record: id, workspace id, json,
 * due (for an unfinished job: when it is due, in simulated ms; else empty), '1' when it has a CDN path.
 * Unfinished jobs join the workspace's open set (counted as `open` in its hash, which admission reads) and the due
 * index; an asset is found by its CDN path.
 * Returns { ok, balance }: ok 1 charged, 0 short, 2 a basis record changed.
 */
export const CHARGE_AND_WRITE = `
local cost, n = tonumber(ARGV[1]), tonumber(ARGV[2])
-- The records the charge was planned from must still be stored exactly as they were read.
for i = 1, n do
  if redis.call('GET', KEYS[3 + i]) ~= ARGV[2 + i] then return { 2, 0 } end
end
local balance = tonumber(redis.call('HGET', KEYS[1], 'balance') or '-1')
if balance < 0 then return { 0, 0 } end
if balance < cost then return { 0, balance } end
-- Lua's unary minus of 0 is -0, which Redis refuses as an integer: a free charge touches nothing.
if cost > 0 then balance = redis.call('HINCRBY', KEYS[1], 'balance', -cost) end
local k = 3 + n
for i = 3 + n, #ARGV, 5 do
  local id, ws, json, due, path = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  redis.call('SET', KEYS[k + 1], json)
  if path == '1' then redis.call('SET', KEYS[k + 2], id) end
  redis.call('ZADD', KEYS[k + 3], 'NX', redis.call('INCR', KEYS[2]), id)
  if due ~= '' then
    if redis.call('SADD', KEYS[k + 4], id) == 1 then redis.call('HINCRBY', KEYS[k + 5], 'open', 1) end
    redis.call('ZADD', KEYS[3], tonumber(due), ws .. '|' .. id)
  end
  k = k + 5
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
 * Finish a job at most once: final status, asset updates, refund. KEYS = job, open set, workspace hash, due index,
 * then the assets' keys. ARGV = job json, refund, then the assets' json in the same order. Returns 1 when it
 * finished the job.
 */
export const FINISH_JOB = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local status = cjson.decode(raw).status
if status == 'completed' or status == 'failed' then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
local job = cjson.decode(ARGV[1])
if redis.call('SREM', KEYS[2], job.id) == 1 then redis.call('HINCRBY', KEYS[3], 'open', -1) end
redis.call('ZREM', KEYS[4], job.workspace_id .. '|' .. job.id)
for i = 3, #ARGV do redis.call('SET', KEYS[i + 2], ARGV[i]) end
local refund = tonumber(ARGV[2])
if refund > 0 then redis.call('HINCRBY', KEYS[3], 'balance', refund) end
return 1
`;

/**
 * The caller of a key hash in one round trip, with the faults in force. KEYS = credential, credential records, the
 * workspace hash the caller expects it in, faults. ARGV = that workspace's id.
 * Returns nil (no such key), the workspace id it is in when that is another (ask again there), or
 * { "keyJson,userJson", workspaceType, balance, openJobs, nFaultValues, faultField1, faultValue1, ... }.
 */
export const FIND_CREDENTIALS = `
local c = redis.call('HMGET', KEYS[1], 'ws', 'type')
local records = redis.call('GET', KEYS[2])
if not c[1] or not records then return nil end
if c[1] ~= ARGV[1] then return c[1] end
local ws = redis.call('HMGET', KEYS[3], 'balance', 'open')
if not ws[1] then return nil end
local faults = redis.call('HGETALL', KEYS[4])
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
 * Claim due deliveries for a lease, oldest due first, among the ids the caller read as due. KEYS = due index, then
 * each id's delivery record. ARGV = now, lease end, max, per-webhook bound (0: none), the number of webhook pairs,
 * those pairs (webhook id, tries already under way), then the ids in KEYS' order. An id no longer due (another
 * instance claimed it) is passed over, as is a webhook at its bound. Returns the claimed delivery records (JSON).
 */
export const CLAIM_DELIVERIES = `
local now, max, bound, pairs = tonumber(ARGV[1]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local taken = {}
for i = 6, 5 + 2 * pairs, 2 do taken[ARGV[i]] = tonumber(ARGV[i + 1]) end
local out = {}
local first = 6 + 2 * pairs
for i = first, #ARGV do
  if #out >= max then break end
  local id = ARGV[i]
  local due = redis.call('ZSCORE', KEYS[1], id)
  if due and tonumber(due) <= now then
    local raw = redis.call('GET', KEYS[2 + i - first])
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
end
return out
`;
