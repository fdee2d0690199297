import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

export interface ServerProcess {
  baseUrl: string;
  child: ChildProcess;
  port: number;
  /** The exit code once the process has ended (null if a signal killed it). */
  exited: Promise<number | null>;
  /** Sends SIGTERM (once), then waits for the exit code; SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<number | null>;
}

export interface StartOptions {
  databaseUrl: string;
  /** Where the server's stdout and stderr go (its JSON log). */
  logFile: string;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** Node's arguments: default the TypeScript sources under tsx; `npm start`'s are ['--enable-source-maps', 'scripts/start.mjs']. */
  nodeArgs?: string[];
}

/** Starts the real app (`node --import tsx server/index.ts`, as `npm run dev` does) on 127.0.0.1 and a free port. */
export async function startServer({ databaseUrl, logFile, env = {}, readyTimeoutMs = 60_000, nodeArgs = ['--import', 'tsx', 'server/index.ts'] }: StartOptions): Promise<ServerProcess> {
  const port = await freePort();
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, nodeArgs, {
    cwd: ROOT,
    // One process unless a test asks for a cluster (WORKERS).
    env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', WORKERS: '1', ...env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const baseUrl = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before it was ready (see ${logFile})`);
    try {
      const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server was not ready within ${readyTimeoutMs} ms (see ${logFile})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  let signalled = false;
  return {
    baseUrl,
    child,
    port,
    exited,
    async stop(timeoutMs = 20_000) {
      // A second SIGTERM would hit Node's default handler and kill the process mid-shutdown.
      if (child.exitCode === null && !signalled) {
        signalled = true;
        child.kill('SIGTERM');
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      await new Promise((r) => log.end(r));
      return code;
    },
  };
}
