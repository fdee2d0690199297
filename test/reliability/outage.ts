import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadSummary } from '../../scripts/load/summary.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LOAD_SECONDS = 16;
const OUTAGE_MS = 5000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A database server of the test's own that it can stop and start again. */
export interface StoppableDatabase {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function readyz(baseUrl: string): Promise<{ status: number; retryAfter: string | null; body: string }> {
  const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
}

/**
 * Runs the load test against `db`, stops the database for a few seconds in the middle, starts it
 * again, and checks: 503s with Retry-After and a message during the outage, recovery without a
 * restart, and no acknowledged write lost or duplicated.
 */
export async function loadThroughAnOutage(db: StoppableDatabase): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/loadtest.ts', '--seconds', String(LOAD_SECONDS), '--clients', '20', '--json'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: db.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const baseUrl = await new Promise<string>((resolveUrl, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /load started on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match) resolveUrl(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`loadtest exited with ${code} before the load started:\n${stderr}`)));
  });

  await sleep(3000);
  expect((await readyz(baseUrl)).status).to.equal(200);
  await db.stop();
  const stoppedAt = Date.now();
  const down = await readyz(baseUrl);
  expect(down.status, down.body).to.equal(503);
  expect(down.retryAfter).to.match(/^\d+$/);
  expect(JSON.parse(down.body)).to.deep.include({ status: 'unavailable' });
  await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
  await db.start();

  // Recovery without a restart: the same server process answers ready again.
  let ready = false;
  for (let i = 0; i < 100 && !ready; i++) {
    ready = (await readyz(baseUrl)).status === 200;
    if (!ready) await sleep(200);
  }
  expect(ready, 'ready again after the database came back').to.equal(true);

  const code = await exited;
  const summary = JSON.parse(stdout.trim().split('\n').pop()!) as LoadSummary;
  const context = JSON.stringify(summary, null, 2) + '\n' + stderr;
  // Requests during the outage were refused, each with 503, Retry-After and a message; none was a 500
  // or a dropped connection (untold), and nothing acknowledged is missing.
  const refused = Object.entries(summary.statuses).filter(([key]) => key.endsWith(' 503'));
  expect(refused.length, context).to.be.greaterThan(0);
  for (const kind of Object.keys(summary.failures)) {
    // A 503 everywhere, the admin's saves included; should a save fail in a way not recognised as
    // the database being away, it is undone and says so in the admin's notice.
    expect(kind, context).to.match(/ 503 \(Retry-After \d+\) The database is unreachable right now|^admin-(create|edit) 200 Nothing was saved: /);
  }
  expect(summary.untold, context).to.equal(0);
  expect(summary.lost, context).to.equal(0);
  expect(summary.duplicated, context).to.equal(0);
  expect(summary.okAfterLastError, context).to.be.greaterThan(0);
  expect(summary.serverExit, context).to.equal(0);
  expect(code, context).to.equal(0);
}
