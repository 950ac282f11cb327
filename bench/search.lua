-- wrk script: what a user would otherwise do to find out whether a person is registered: search
-- the registry by the name (GET /api/v1/registry/search?q=…), one probe's full name per request.
local names = {}
for line in io.lines(os.getenv("PROBES")) do
  local name = line:match('"full_name": "([^"]*)"')
  if name and #name > 0 then names[#names + 1] = name end
end
local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local i = 0
wrk.headers["Cookie"] = "mizalla_session=" .. os.getenv("SESSION")
request = function()
  i = i % #names + 1
  return wrk.format("GET", "/api/v1/registry/search?q=" .. urlencode(names[i]))
end
