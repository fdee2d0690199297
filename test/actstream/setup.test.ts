import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./scripts/standalone-app.ts', import.meta.url));

describe('setup in a fresh app', () => {
  it('refuses work before setup and a non-UTC Sequelize, then works on tables made by sync()', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script], { timeout: 30_000 });
    expect(JSON.parse(stdout)).to.deep.equal({
      beforeSetup: 'NotSetUpError',
      otherTimezone: "actstream needs Sequelize's default timezone '+00:00', got '+02:00'",
      actor: ['Ann joined 0 minutes ago'],
      feed: ['Ann joined 0 minutes ago', 'Bob started following Ann 0 minutes ago'],
    });
  });
});
