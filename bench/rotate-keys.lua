-- wrk script: rotates the bearer key over the keys listed (one per line) in the file named by KEYS_FILE.
local keys = {}
for line in io.lines(os.getenv("KEYS_FILE")) do keys[#keys + 1] = line end
local i = 0
request = function()
  i = (i % #keys) + 1
  return wrk.format("GET", "/v1/credits", { ["Authorization"] = "Bearer " .. keys[i] })
end
