// `npm run bench:write-limit -- [--writes 1000] [--rounds 3] [--json]`: what the per-user write
// limit costs a write. Times the database store's increment alone, and POST /api/actions over real
// HTTP on 127.0.0.1 (one client, one request at a time) with the limit on and off, in alternating
// rounds so both see the same machine. DATABASE_URL selects the database (else a fresh SQLite file).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DatabaseRateLimitStore } from '../auth/rate-limit-store.js';
import { createToken } from '../auth/tokens.js';
import { User } from '../models/index.js';
import { createApp } from '../server/app.js';
import { parseArgs } from './args.js';
import { openBenchDatabase } from './database.js';
import { summarise } from './stats.js';

const args = parseArgs(process.argv.slice(2));
const WRITES = Number(args.get('writes') ?? 1000);
const ROUNDS = Number(args.get('rounds') ?? 3);
const JSON_OUTPUT = args.has('json');

async function listen(app: Awaited<ReturnType<typeof createApp>>): Promise<{ server: Server; base: string }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function timeWrites(base: string, bearer: string, label: string): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < WRITES; i++) {
    const t0 = performance.now();
    const res = await fetch(`${base}/api/actions`, {
      method: 'POST',
      headers: { authorization: bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ verb: `${label} ${i}` }),
    });
    await res.arrayBuffer();
    samples.push(performance.now() - t0);
    if (res.status !== 201) throw new Error(`POST /api/actions answered ${res.status}`);
  }
  return samples;
}

async function main(): Promise<void> {
  const { sequelize, close } = await openBenchDatabase();
  const user = await User.create({ email: 'writer@bench.example', name: 'Writer' });
  const bearer = `Bearer ${(await createToken(user, 'bench', 'api')).token}`;
  const config = (writeLimit: { limit: number; windowMs: number } | false) => ({ sessionSecret: 'bench-secret', production: true, writeLimit });
  const on = await listen(await createApp({ sequelize, config: config({ limit: 1_000_000_000, windowMs: 3_600_000 }) }));
  const off = await listen(await createApp({ sequelize, config: config(false) }));

  const store = new DatabaseRateLimitStore(sequelize, 'bench:');
  store.init({ windowMs: 3_600_000 } as Parameters<DatabaseRateLimitStore['init']>[0]);
  const rounds: { increment: ReturnType<typeof summarise>; limitOn: ReturnType<typeof summarise>; limitOff: ReturnType<typeof summarise> }[] = [];
  await timeWrites(on.base, bearer, 'warm-up on');
  await timeWrites(off.base, bearer, 'warm-up off');
  for (let round = 0; round < ROUNDS; round++) {
    const increments: number[] = [];
    for (let i = 0; i < WRITES; i++) {
      const t0 = performance.now();
      await store.increment('bench-user');
      increments.push(performance.now() - t0);
    }
    const limitOn = summarise(await timeWrites(on.base, bearer, `on ${round}`));
    const limitOff = summarise(await timeWrites(off.base, bearer, `off ${round}`));
    rounds.push({ increment: summarise(increments), limitOn, limitOff });
    if (!JSON_OUTPUT) {
      console.error(
        `round ${round + 1}: increment ${rounds[round].increment.median_ms} ms (p95 ${rounds[round].increment.p95_ms}); ` +
          `POST /api/actions limit on ${limitOn.median_ms} ms (p95 ${limitOn.p95_ms}), off ${limitOff.median_ms} ms (p95 ${limitOff.p95_ms})`,
      );
    }
  }
  const result = { database: sequelize.getDialect(), writes: WRITES, rounds };
  console.log(JSON.stringify(result, null, JSON_OUTPUT ? undefined : 2));
  await Promise.all([on, off].map(({ server }) => new Promise((resolve) => server.close(resolve))));
  await close();
}

await main();
