// Shared by the test:scale files: the ports their own PostgreSQL servers take, and waiting for a
// condition (replication is asynchronous: the tests wait for a state, they never time it).

/** Ports of the servers test:scale starts (never the shared 5432). */
export const SCALE_PORTS = { primary: 5441, replica: 5442, partitions: 5443 } as const;

/** The PostgreSQL bin directory; test:scale fails (never skips) without one. */
export function requirePostgresBinaries(bin: string | null): string {
  if (!bin) throw new Error('test:scale needs the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup under /usr/lib/postgresql/<version>/bin)');
  return bin;
}

/** Resolves once `check` answers true; fails after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, timeoutMs: number, pauseMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}
