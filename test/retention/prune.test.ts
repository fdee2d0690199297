import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { Action, action, actorStream, pruneActions } from 'actstream';
import { User } from '../../models/index.js';
import { parseDuration } from '../../scripts/duration.js';
import { database, resetDatabase } from '../helpers/database.js';

const run = promisify(execFile);
const DAY = 86_400_000;

describe('retention: pruneActions', () => {
  let ann: User;

  before(database);
  beforeEach(async () => {
    await resetDatabase();
    ann = await User.create({ email: 'ann@example.com', name: 'Ann' });
    const now = Date.now();
    await action.sendMany(
      Array.from({ length: 25 }, (_, i) => ({ actor: ann, verb: `old ${i}`, timestamp: new Date(now - (400 + i) * DAY) })),
    );
    await action.sendMany(
      Array.from({ length: 5 }, (_, i) => ({ actor: ann, verb: `recent ${i}`, timestamp: new Date(now - i * DAY) })),
    );
  });

  it('deletes only actions older than the cutoff, in batches', async () => {
    const seen: number[] = [];
    const result = await pruneActions({ olderThan: new Date(Date.now() - 365 * DAY), batchSize: 10, onBatch: (n) => seen.push(n) });
    expect(result).to.deep.equal({ count: 25, batches: 3, droppedPartitions: [], changes: 0 });
    expect(seen).to.deep.equal([10, 20, 25]);
    const left = await Action.findAll({ order: [['id', 'ASC']] });
    expect(left.map((a) => a.verb)).to.deep.equal(['recent 0', 'recent 1', 'recent 2', 'recent 3', 'recent 4']);
    expect((await actorStream(ann)).actions).to.have.length(5);
  });

  it('counts without deleting on a dry run', async () => {
    const result = await pruneActions({ olderThan: new Date(Date.now() - 365 * DAY), dryRun: true });
    expect(result).to.deep.equal({ count: 25, batches: 0, droppedPartitions: [], changes: 0 });
    expect(await Action.count()).to.equal(30);
  });

  it('rejects a bad cutoff or batch size', async () => {
    let error: unknown;
    try {
      await pruneActions({ olderThan: new Date('nonsense') });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(TypeError).with.property('message').that.matches(/olderThan/);
    error = undefined;
    try {
      await pruneActions({ olderThan: new Date(), batchSize: 0 });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(RangeError);
    expect(await Action.count()).to.equal(30);
  });
});

describe('retention: durations', () => {
  it('reads numbers with a unit', () => {
    expect(parseDuration('365d')).to.equal(365 * DAY);
    expect(parseDuration('12h')).to.equal(12 * 3_600_000);
    expect(parseDuration('30m')).to.equal(30 * 60_000);
    expect(parseDuration('2w')).to.equal(14 * DAY);
  });

  it('explains what it wants otherwise', () => {
    expect(() => parseDuration('a year')).to.throw(/e\.g\. 365d/);
    expect(() => parseDuration('-3d')).to.throw(/not a duration/);
  });
});

describe('retention: npm run prune', function () {
  this.timeout(60_000);
  const script = ['--import', 'tsx', 'scripts/prune.ts'];
  const env = () => ({ ...process.env, DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'prune-')), 'p.sqlite')}` });

  it('prints what a dry run would delete', async () => {
    const { stdout } = await run(process.execPath, [...script, '--older-than', '365d', '--dry-run'], { env: env() });
    expect(stdout).to.match(/Would delete 0 actions older than \d{4}-\d\d-\d\dT.*dry run/);
  });

  it('refuses a missing or malformed --older-than with exit code 2', async () => {
    for (const args of [[], ['--older-than', 'soon']]) {
      let failure: { code?: number; stderr?: string } | undefined;
      try {
        await run(process.execPath, [...script, ...args], { env: env() });
      } catch (e) {
        failure = e as { code?: number; stderr?: string };
      }
      expect(failure?.code).to.equal(2);
      expect(failure?.stderr).to.match(/prune: .*older-than|not a duration/);
    }
  });
});
