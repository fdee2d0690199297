import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The bin directory of the newest installed PostgreSQL, or null when none is installed. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

function ids(): { uid: number; gid: number } | null {
  try {
    const passwd = readFileSync('/etc/passwd', 'utf8');
    const line = passwd.split('\n').find((l) => l.startsWith('postgres:'));
    if (!line) return null;
    const [, , uid, gid] = line.split(':');
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    return null;
  }
}

/**
 * A throw-away PostgreSQL cluster of our own (its own data directory, port and socket directory),
 * run as the `postgres` OS user when we are root. Never the shared cluster on 5432.
 */
export class OwnPostgresCluster {
  readonly dir: string;
  readonly data: string;
  private readonly asPostgres: boolean;
  /** Server settings added at start (`name=value`, each given as `-c`). */
  readonly settings: string[] = [];

  constructor(
    private readonly bin: string,
    readonly port: number,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'actstream-pg-'));
    this.data = join(this.dir, 'data');
    this.asPostgres = process.getuid?.() === 0;
    if (this.asPostgres) {
      const owner = ids();
      if (!owner) throw new Error('running as root but there is no postgres OS user');
      chownSync(this.dir, owner.uid, owner.gid);
    }
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/actstream`;
  }

  /** Makes this cluster a streaming replica of `primary` (pg_basebackup -R: standby.signal and primary_conninfo). */
  async basebackupFrom(primary: OwnPostgresCluster): Promise<void> {
    await this.tool('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', this.data, '-R', '-X', 'stream', '--checkpoint=fast', '--no-sync']);
  }

  private async tool(name: string, args: string[]): Promise<void> {
    const command = join(this.bin, name);
    const [file, argv] = this.asPostgres ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    await run(file, argv, { cwd: this.dir, timeout: 60_000 });
  }

  async init(): Promise<void> {
    await this.tool('initdb', ['-D', this.data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  }

  async start(): Promise<void> {
    // fsync off: a test cluster that is thrown away; the outage is a clean stop, not a crash.
    const extra = this.settings.map((setting) => ` -c ${setting}`).join('');
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off${extra}`;
    await this.tool('pg_ctl', ['-D', this.data, '-o', options, '-l', join(this.dir, 'postgres.log'), '-w', '-t', '60', 'start']);
  }

  /** "fast": open connections are terminated, as in a real restart. */
  async stop(): Promise<void> {
    await this.tool('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', '-t', '60', 'stop']);
  }

  /** The server log so far. */
  log(): string {
    return readFileSync(join(this.dir, 'postgres.log'), 'utf8');
  }

  async createDatabase(): Promise<void> {
    const psql = existsSync(join(this.bin, 'psql')) ? join(this.bin, 'psql') : 'psql';
    await run(psql, ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', '-d', 'postgres', '-qc', 'CREATE DATABASE actstream'], { timeout: 30_000 });
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
