// npm run bench:events [-- --streams 1000 --rate 100 --seconds 15 --bands 10]: live streams under load.
// Seeds a database (a fresh SQLite file unless DATABASE_URL is set): `streams` users, each following
// one of `bands` bands. Starts the real server (one process), opens one `user` stream per user
// (raw HTTP, bearer tokens), then sends `rate` actions a second by the bands for `seconds`: each
// reaches streams / bands clients. Reports delivery latency (from just before the send to the
// event's arrival) and the server's RSS per open stream.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { action, follow } from 'actstream';
import { createToken } from '../auth/tokens.js';
import { connect } from '../db/connect.js';
import { migrate } from '../db/migrate.js';
import { Band, User, initModels } from '../models/index.js';
import { startServer } from '../scripts/load/server-process.js';
import { parseArgs } from './args.js';
import { summarise } from './stats.js';

const args = parseArgs(process.argv.slice(2));
const STREAMS = Number(args.get('streams') ?? 1000);
const RATE = Number(args.get('rate') ?? 100);
const SECONDS = Number(args.get('seconds') ?? 15);
const BANDS = Number(args.get('bands') ?? 10);
const MB = 1024 * 1024;

function rssOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens a stream; calls `onAction(sentAt)` for each action event. */
function openStream(url: string, token: string, onAction: (sentAt: number) => void): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const match = /\ndata: (.*)$/m.exec(block);
          if (block.includes('event: action') && match) onAction((JSON.parse(match[1]) as { data: { sentAt: number } }).data.sentAt);
        }
      });
      resolve(res);
    });
    req.on('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'actstream-bench-events-'));
  const url = process.env.DATABASE_URL ?? `sqlite:${join(dir, 'bench.sqlite')}`;
  const sequelize = await connect(url);
  await migrate(sequelize);
  initModels(sequelize);
  for (const table of ['api_tokens', 'actstream_actions', 'actstream_follows', 'bands', 'users']) {
    await sequelize.query(`DELETE FROM ${sequelize.getQueryInterface().quoteIdentifier(table)}`);
  }
  const bands = await Band.bulkCreate(Array.from({ length: BANDS }, (_, i) => ({ name: `Band ${i}` })));
  const users = await User.bulkCreate(Array.from({ length: STREAMS }, (_, i) => ({ email: `listener${i}@example.com`, name: `Listener ${i}` })));
  const tokens: string[] = [];
  for (const [i, user] of users.entries()) {
    await follow(user, bands[i % BANDS], { sendAction: false });
    tokens.push((await createToken(user, 'bench', 'api')).token);
  }

  const server = await startServer({
    databaseUrl: url,
    logFile: join(dir, 'server.log'),
    env: { LOG_LEVEL: 'warn', ADMIN_EMAIL: 'staff@example.com', ADMIN_PASSWORD: 'a-long-password-1' },
  });
  const pid = server.child.pid!;
  try {
    // One stream first, so the hub is listening before the baseline is taken.
    const latencies: number[] = [];
    let received = 0;
    const onAction = (sentAt: number) => {
      received++;
      latencies.push(Date.now() - sentAt);
    };
    const responses = [await openStream(`${server.baseUrl}/api/events?streams=user`, tokens[0], onAction)];
    await sleep(1000);
    const rssBefore = rssOf(pid);
    for (let i = 1; i < STREAMS; i += 50) {
      responses.push(...(await Promise.all(tokens.slice(i, i + 50).map((token) => openStream(`${server.baseUrl}/api/events?streams=user`, token, onAction)))));
    }
    await sleep(2000);
    const rssOpen = rssOf(pid);

    const total = RATE * SECONDS;
    const serverCpu = cpuOf(pid);
    const benchCpu = cpuOf(process.pid);
    const started = Date.now();
    for (let n = 0; n < total; n++) {
      const due = started + (n * 1000) / RATE;
      if (due > Date.now()) await sleep(due - Date.now());
      await action.send(bands[n % BANDS], { verb: 'played', data: { sentAt: Date.now() } });
    }
    const sendSeconds = (Date.now() - started) / 1000;
    const expected = total * (STREAMS / BANDS);
    const deadline = Date.now() + 30_000;
    while (received < expected && Date.now() < deadline) await sleep(100);
    const rssEnd = rssOf(pid);
    const elapsed = (Date.now() - started) / 1000;
    const serverCpuShare = (cpuOf(pid) - serverCpu) / elapsed;
    const benchCpuShare = (cpuOf(process.pid) - benchCpu) / elapsed;
    const { median_ms, p95_ms } = summarise(latencies);
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(
      JSON.stringify(
        {
          database: sequelize.getDialect(),
          streams: STREAMS,
          bands: BANDS,
          actions_sent: total,
          actions_per_s_achieved: Math.round(total / sendSeconds),
          events_expected: expected,
          events_received: received,
          latency_p50_ms: median_ms,
          latency_p95_ms: p95_ms,
          latency_p99_ms: sorted[Math.floor(0.99 * sorted.length)],
          latency_max_ms: sorted[sorted.length - 1],
          server_cpu_cores_used: Math.round(serverCpuShare * 100) / 100,
          bench_client_cpu_cores_used: Math.round(benchCpuShare * 100) / 100,
          server_rss_one_stream_mb: Math.round(rssBefore / MB),
          server_rss_streams_open_mb: Math.round(rssOpen / MB),
          server_rss_end_mb: Math.round(rssEnd / MB),
          server_kb_per_open_stream: Math.round((rssOpen - rssBefore) / (STREAMS - 1) / 1024),
        },
        null,
        2,
      ),
    );
    for (const res of responses) res.destroy();
  } finally {
    await server.stop();
    await sequelize.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
