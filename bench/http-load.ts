// The load generator for bench/http.ts, run in its own process so it does not share the server's
// event loop: autocannon against 127.0.0.1 for a bounded time, every response's latency recorded.
// Input: one JSON argument { base, duration, connections, requests: [{ path, headers? }] }.
// Output: one JSON line { requests, requests_per_s, p50_ms, p95_ms, p99_ms, non_2xx, errors }.
import autocannon from 'autocannon';
import { summarise } from './stats.js';

interface LoadSpec {
  base: string;
  duration: number;
  connections: number;
  requests: { path: string; headers?: Record<string, string> }[];
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(spec.base ?? '')) throw new Error('bench load goes to http://127.0.0.1:<port> only');

let turn = 0;
const latencies: number[] = [];
const instance = autocannon({
  url: spec.base,
  connections: spec.connections,
  duration: spec.duration,
  requests: [
    {
      method: 'GET',
      // Each request takes the next path (and its headers) in turn, so the load spreads over many objects.
      setupRequest: (request) => {
        const next = spec.requests[turn++ % spec.requests.length];
        return { ...request, path: next.path, headers: { ...request.headers, ...next.headers } };
      },
    },
  ],
}, (error, result) => {
  if (error) throw error;
  const p99 = [...latencies].sort((a, b) => a - b)[Math.floor(latencies.length * 0.99)] ?? 0;
  const { median_ms, p95_ms } = summarise(latencies);
  console.log(
    JSON.stringify({
      requests: result.requests.total,
      requests_per_s: Math.round(result.requests.total / (result.duration || spec.duration)),
      p50_ms: median_ms,
      p95_ms,
      p99_ms: Math.round(p99 * 1000) / 1000,
      non_2xx: result.non2xx,
      errors: result.errors + result.timeouts,
    }),
  );
});
instance.on('response', (_client, _status, _bytes, responseTime) => {
  latencies.push(responseTime);
});
