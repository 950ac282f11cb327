-- wrk script: library searches through the API, one query of QUERIES per request, in turn.
local queries = {}
for line in io.lines(os.getenv("QUERIES")) do
  if #line > 0 then queries[#queries + 1] = line end
end
local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local i = 0
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
request = function()
  i = i % #queries + 1
  return wrk.format("GET", "/api/v1/library?q=" .. urlencode(queries[i]))
end
