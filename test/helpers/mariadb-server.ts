import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where MariaDB's server tools are, or null when they are not installed. */
export function mariadbTools(): { installDb: string; server: string; admin: string; client: string } | null {
  const find = (...candidates: string[]) => candidates.find((path) => existsSync(path));
  const installDb = find('/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db');
  const server = find('/usr/sbin/mariadbd', '/usr/sbin/mysqld');
  const admin = find('/usr/bin/mariadb-admin', '/usr/bin/mysqladmin');
  const client = find('/usr/bin/mariadb', '/usr/bin/mysql');
  return installDb && server && admin && client ? { installDb, server, admin, client } : null;
}

function mysqlIds(): { uid: number; gid: number } | null {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('mysql:'));
  if (!line) return null;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * A throw-away MariaDB server of our own: its own data directory, port and socket, no option files
 * read (--no-defaults, so nothing of the shared server on 3306 applies), run as the `mysql` OS user
 * when we are root. Never the shared server.
 */
export class OwnMariadbServer {
  readonly dir: string;
  private readonly data: string;
  private readonly socket: string;
  private readonly asRoot: boolean;
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;

  constructor(
    private readonly tools: NonNullable<ReturnType<typeof mariadbTools>>,
    readonly port: number,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'actstream-mariadb-'));
    this.data = join(this.dir, 'data');
    this.socket = join(this.dir, 'mariadb.sock');
    this.asRoot = process.getuid?.() === 0;
    if (this.asRoot) {
      const owner = mysqlIds();
      if (!owner) throw new Error('running as root but there is no mysql OS user');
      chownSync(this.dir, owner.uid, owner.gid);
    }
  }

  get url(): string {
    return `mysql://root@127.0.0.1:${this.port}/actstream`;
  }

  private userOption(): string[] {
    return this.asRoot ? ['--user=mysql'] : [];
  }

  async init(): Promise<void> {
    await run(this.tools.installDb, ['--no-defaults', `--datadir=${this.data}`, ...this.userOption(), '--auth-root-authentication-method=normal', '--skip-test-db'], {
      cwd: this.dir,
      timeout: 120_000,
    });
  }

  async start(): Promise<void> {
    const child = spawn(
      this.tools.server,
      [
        '--no-defaults',
        `--datadir=${this.data}`,
        `--port=${this.port}`,
        `--socket=${this.socket}`,
        '--bind-address=127.0.0.1',
        `--pid-file=${join(this.dir, 'mariadb.pid')}`,
        `--log-error=${join(this.dir, 'mariadb.log')}`,
        ...this.userOption(),
        // A test server that is thrown away: small, and the outage is a clean stop, not a crash.
        '--innodb-buffer-pool-size=32M',
        '--skip-log-bin',
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_unicode_ci',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await run(this.tools.admin, ['--no-defaults', '-h', '127.0.0.1', '-P', String(this.port), '-u', 'root', 'ping'], { timeout: 5000 });
        return;
      } catch {
        if (child.exitCode !== null) throw new Error(`mariadbd exited with ${child.exitCode}; see ${join(this.dir, 'mariadb.log')}`);
        if (Date.now() > deadline) throw new Error(`mariadbd did not answer within 60 s; see ${join(this.dir, 'mariadb.log')}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** A clean shutdown: open connections are closed, as in a real restart. */
  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    await run(this.tools.admin, ['--no-defaults', '-h', '127.0.0.1', '-P', String(this.port), '-u', 'root', 'shutdown'], { timeout: 60_000 });
    await this.exited;
  }

  async createDatabase(): Promise<void> {
    await run(this.tools.client, ['--no-defaults', '-h', '127.0.0.1', '-P', String(this.port), '-u', 'root', '-e', 'CREATE DATABASE actstream CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci'], {
      timeout: 30_000,
    });
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => this.child?.kill('SIGKILL'));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
