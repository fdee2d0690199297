import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadSummary } from '../../scripts/load/summary.js';
import { scratchDir } from './helpers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// A short run of `npm run loadtest` on a fresh SQLite file (its own, whatever DATABASE_URL says):
// concurrent API, session, follow and admin writers all succeed — SQLite's writers wait for the lock
// (WAL, busy timeout, IMMEDIATE transactions) instead of failing — and every acknowledged write is
// there exactly once. The full 30 s / 200 client figures come from running the script itself.
describe('reliability: npm run loadtest (short run, SQLite)', function () {
  this.timeout(180_000);

  it('loses nothing, duplicates nothing, and no concurrent writer fails', async () => {
    const env = { ...process.env, DATABASE_URL: `sqlite:${join(scratchDir(), 'load.sqlite')}` };
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/loadtest.ts', '--seconds', '4', '--clients', '40', '--json'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    const summary = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as LoadSummary;
    const context = `${JSON.stringify(summary, null, 2)}\n${stderr}`;

    expect(summary.database, context).to.match(/^sqlite /);
    expect(summary.clients).to.equal(40);
    expect(summary.requests, context).to.be.greaterThan(40);
    expect(summary.errors, context).to.equal(0);
    expect(summary.ok, context).to.equal(summary.requests);
    expect(summary.lost, context).to.equal(0);
    expect(summary.duplicated, context).to.equal(0);
    expect(summary.untold, context).to.equal(0);
    // Every kind of writer took part.
    for (const op of ['action 201', 'admin-create 200', 'admin-edit 200']) expect(summary.statuses[op] ?? 0, `${op}\n${context}`).to.be.greaterThan(0);
    expect((summary.statuses['follow 201'] ?? 0) + (summary.statuses['follow 200'] ?? 0), context).to.be.greaterThan(0);
    expect(summary.serverExit, context).to.equal(0);
    expect(code, context).to.equal(0);
  });
});
