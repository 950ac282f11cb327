-- wrk script: every request asks for a random page of the agreements list (1..401), so that
-- most requests do not find their page in the list cache.
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/agreements?page=" .. math.random(1, 401))
end
