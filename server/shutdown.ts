import type { Server } from 'node:http';
import type { Logger } from 'pino';

export interface ShutdownOptions {
  logger: Logger;
  /** Releases what the server holds (the connection pool) once the last request has finished. */
  release: () => Promise<void>;
  /** How long in-flight requests may take before connections are cut and the process exits 1. */
  timeoutMs?: number;
  /** Ends what never finishes by itself (live streams) once new connections are refused. */
  drain?: () => Promise<void>;
  /** Ends the process (tests of this module pass their own). */
  exit?: (code: number) => void;
}

/**
 * Graceful stop: stop accepting connections, let in-flight requests finish (idle keep-alive
 * connections are closed at once, busy ones after their response), release the pool, exit 0. If
 * that takes longer than `timeoutMs`, remaining connections are cut and the exit code is 1.
 */
export function shutdownGracefully(server: Server, { logger, release, drain, timeoutMs = 10_000, exit = process.exit }: ShutdownOptions): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= new Promise<void>((resolve) => {
      logger.info({ timeoutMs }, 'shutting down: no new connections, finishing in-flight requests');
      const timer = setTimeout(() => {
        logger.error('shutdown timed out: closing remaining connections');
        server.closeAllConnections();
        exit(1);
        resolve();
      }, timeoutMs);
      timer.unref();
      // Keep-alive connections with no request in flight would otherwise hold close() open, and a
      // connection whose request finishes after the signal becomes idle only then: sweep until closed.
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      server.close(async (error) => {
        clearInterval(sweep);
        let code = 0;
        if (error) {
          logger.error({ err: error }, 'closing the server failed');
          code = 1;
        }
        try {
          await release();
        } catch (releaseError) {
          logger.error({ err: releaseError }, 'closing the database pool failed');
          code = 1;
        }
        clearTimeout(timer);
        logger.info({ code }, 'stopped');
        exit(code);
        resolve();
      });
      server.closeIdleConnections();
      // Streams end with a last event; their connections then close as idle ones.
      drain?.().catch((error: unknown) => logger.error({ err: error }, 'ending live streams failed'));
    });
    return stopping;
  };
}

/** Runs the graceful stop on SIGTERM and SIGINT. */
export function stopOnSignals(stop: () => Promise<void>): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void stop());
  }
}
