-- wrk script: each request posts the next probe (one JSON object per line of $PROBES) to the
-- "already registered?" endpoint, with the session cookie and CSRF token from the environment.
local probes = {}
for line in io.lines(os.getenv("PROBES")) do probes[#probes + 1] = line end
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "mizalla_session=" .. os.getenv("SESSION")
wrk.headers["X-CSRF-Token"] = os.getenv("CSRF")
request = function()
  i = i % #probes + 1
  return wrk.format(nil, "/api/v1/registry/check", nil, probes[i])
end
