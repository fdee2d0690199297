import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { connect } from '../../db/connect.js';

const run = promisify(execFile);

/** A fresh, empty database of the suite's kind: a new SQLite file, or a sibling database on the suite's server. */
async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const suite = process.env.DATABASE_URL;
  if (!suite || suite.startsWith('sqlite:')) {
    return { url: `sqlite:${join(mkdtempSync(join(tmpdir(), 'actstream-lock-')), 'lock.sqlite')}`, drop: async () => undefined };
  }
  const parsed = new URL(suite);
  const name = `${parsed.pathname.slice(1)}_lock`;
  const admin = await connect(suite);
  const quoted = admin.getQueryInterface().quoteIdentifier(name);
  await admin.query(`DROP DATABASE IF EXISTS ${quoted}`);
  await admin.query(`CREATE DATABASE ${quoted}`);
  parsed.pathname = `/${name}`;
  return {
    url: parsed.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${quoted}`);
      await admin.close();
    },
  };
}

describe('migrations from several processes at once', function () {
  this.timeout(120_000);

  it('run exactly once, one process at a time, and every process succeeds', async () => {
    const { url, drop } = await freshDatabase();
    try {
      const env = { ...process.env, DATABASE_URL: url };
      const outputs = await Promise.all([1, 2, 3].map(() => run(process.execPath, ['--import', 'tsx', 'scripts/migrate.ts'], { env })));
      const migrated = outputs.filter((o) => o.stdout.startsWith('Migrated:'));
      // One process ran them all; the others waited for the lock and found nothing left.
      expect(migrated).to.have.length(1);
      expect(outputs.filter((o) => o.stdout.trim() === 'Nothing to migrate.')).to.have.length(2);
      const sequelize = await connect(url);
      try {
        const rows = await sequelize.query<{ name: string }>(`SELECT name FROM ${sequelize.getQueryInterface().quoteIdentifier('SequelizeMeta')}`, { type: QueryTypes.SELECT });
        const names = rows.map((r) => r.name);
        expect(names.length).to.be.above(3);
        expect(new Set(names).size).to.equal(names.length);
        expect(migrated[0].stdout).to.include(names[0]);
      } finally {
        await sequelize.close();
      }
    } finally {
      await drop();
    }
  });
});
