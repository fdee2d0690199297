import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { connect } from '../../db/connect.js';
import { migrate } from '../../db/migrate.js';
import { nodeVersionProblem } from '../../scripts/check-node.js';

const run = promisify(execFile);

function freshSqliteUrl(): string {
  return `sqlite:${join(mkdtempSync(join(tmpdir(), 'actstream-cli-')), 'cli.sqlite')}`;
}

describe('command-line scripts', function () {
  this.timeout(90_000);

  it('npm run create-admin makes a staff user with a hashed password, once', async () => {
    const url = freshSqliteUrl();
    const env = { ...process.env, DATABASE_URL: url, ADMIN_EMAIL: 'Boss@Example.com', ADMIN_PASSWORD: 'correct horse' };
    const first = await run(process.execPath, ['--import', 'tsx', 'scripts/create-admin.ts'], { env });
    expect(first.stdout).to.match(/Staff user boss@example\.com \(id \d+\) is ready/);
    await run(process.execPath, ['--import', 'tsx', 'scripts/create-admin.ts'], { env });

    const sequelize = await connect(url);
    try {
      const [rows] = await sequelize.query('SELECT email, isStaff, passwordHash FROM users');
      const users = rows as { email: string; isStaff: number; passwordHash: string }[];
      expect(users).to.have.length(1);
      expect(users[0].email).to.equal('boss@example.com');
      expect(Boolean(users[0].isStaff)).to.equal(true);
      expect(users[0].passwordHash).to.match(/^scrypt\$/).and.not.include('correct horse');
    } finally {
      await sequelize.close();
    }
  });

  it('npm run create-admin without ADMIN_EMAIL / ADMIN_PASSWORD says what to set and exits 2', async () => {
    const env = { ...process.env, DATABASE_URL: freshSqliteUrl(), ADMIN_EMAIL: '', ADMIN_PASSWORD: '' };
    let failure: { code?: number; stderr?: string } | undefined;
    try {
      await run(process.execPath, ['--import', 'tsx', 'scripts/create-admin.ts'], { env });
    } catch (error) {
      failure = error as { code?: number; stderr?: string };
    }
    expect(failure?.code).to.equal(2);
    expect(failure?.stderr).to.match(/Set ADMIN_EMAIL and ADMIN_PASSWORD/);
  });

  it('sequelize-cli and the app run the same migrations and agree on what ran', async () => {
    const url = freshSqliteUrl();
    const env = { ...process.env, DATABASE_URL: url };
    const cli = join('node_modules', '.bin', 'sequelize-cli');
    await run(cli, ['db:migrate'], { env });
    const sequelize = await connect(url);
    try {
      expect(await migrate(sequelize), 'nothing left for the app to run').to.deep.equal([]);
      const tables = await sequelize.getQueryInterface().showAllTables();
      expect(tables).to.include.members(['actstream_actions', 'actstream_follows', 'users', 'concerts', 'sessions']);
    } finally {
      await sequelize.close();
    }
    const { stdout } = await run(cli, ['db:migrate:status'], { env });
    expect(stdout).to.match(/up 20261127000001-actstream\.cjs/);
    expect(stdout).not.to.match(/^down /m);
  });

  it('npm start first checks the Node version against package.json\'s engines, with a clear message', async () => {
    const range = '^20.19.0 || >=22.13.0';
    expect(nodeVersionProblem('v20.19.0', range)).to.equal(null);
    expect(nodeVersionProblem('v22.13.0', range)).to.equal(null);
    expect(nodeVersionProblem('v20.11.1', range)).to.equal(
      'Actstream needs Node ^20.19.0 || >=22.13.0 (package.json "engines"); this is Node v20.11.1. Install a newer Node (e.g. the current 20.x or 22.x) and run npm ci again.',
    );
    expect(nodeVersionProblem('v22.3.0', range)).to.match(/^Actstream needs Node /);
    // This Node passes the real check (the script is what `npm start` runs first).
    const checked = await run(process.execPath, ['--import', 'tsx', 'scripts/check-node.ts']);
    expect(checked.stderr).to.equal('');
  });
});
