-- wrk script: each request picks the next page of the mix with its persona's session cookie (bench/load_paths.py).
dofile("/tmp/kd-load-paths.lua")
local i = 0
request = function()
  i = (i % #PAGES) + 1
  local page = PAGES[i]
  return wrk.format("GET", page[1], { ["Cookie"] = "sessionid=" .. page[2] })
end
done = function(summary, latency, requests)
  io.write(string.format(
    "RESULT requests=%d errors=%d throughput=%.1f/s p50=%.0fms p95=%.0fms p99=%.0fms non2xx=%d\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.status))
end
