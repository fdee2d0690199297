import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Logger } from './logging.js';

/** WORKERS as a count: a positive integer, default one per CPU. */
export function workerCount(value: string | undefined = process.env.WORKERS): number {
  if (value === undefined || value.trim() === '') return availableParallelism();
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 256) throw new Error(`WORKERS must be a whole number from 1 to 256, got "${value}"`);
  return count;
}

export interface ClusterOptions {
  workers: number;
  logger: Logger;
  /** Added to every worker's environment. */
  env: Record<string, string>;
  /** How long workers may take to drain after SIGTERM before they are killed. */
  shutdownTimeoutMs: number;
}

// A worker that dies this often within a minute is not restarted again: something is wrong for good.
const MAX_RESTARTS_PER_MINUTE = 10;

/**
 * The primary of `npm start`: forks the workers (they share the listening port), replaces one that
 * dies, and on SIGTERM/SIGINT has every worker drain its requests, then exits 0 (1 if any failed to).
 */
export function runCluster({ workers, logger, env, shutdownTimeoutMs }: ClusterOptions): void {
  let stopping = false;
  let failed = false;
  const restarts: number[] = [];
  const fork = (): Worker => cluster.fork(env);

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (code !== 0) failed = true;
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info({ code: failed ? 1 : 0 }, 'all workers stopped');
        process.exit(failed ? 1 : 0);
      }
      return;
    }
    const now = Date.now();
    restarts.push(now);
    while (restarts.length && now - restarts[0] > 60_000) restarts.shift();
    if (restarts.length > MAX_RESTARTS_PER_MINUTE) {
      logger.fatal({ worker: worker.process.pid, code, signal }, 'workers keep dying; stopping');
      stop();
      failed = true;
      return;
    }
    logger.error({ worker: worker.process.pid, code, signal }, 'worker died; starting another');
    fork();
  });

  const stop = () => {
    if (stopping) return;
    stopping = true;
    logger.info({ workers: Object.keys(cluster.workers ?? {}).length }, 'stopping workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    const timer = setTimeout(() => {
      logger.error('workers did not stop in time: killing them');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(1);
    }, shutdownTimeoutMs + 5000);
    timer.unref();
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, stop);

  for (let i = 0; i < workers; i++) fork();
  logger.info({ workers }, 'started workers');
}
