import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sequelize } from 'sequelize';
import type { ServerConfig } from '../config/server.js';
import { createApp } from './app.js';
import { keepActionPartitionsDaily } from './partitions.js';
import { liveHubOf } from './events/hub.js';
import type { Logger } from './logging.js';
import { shutdownGracefully, stopOnSignals } from './shutdown.js';

/** Serves the app on PORT (HOST: all interfaces unless set) until SIGTERM/SIGINT, then stops gracefully. */
export async function serve(sequelize: Sequelize, config: ServerConfig, logger: Logger): Promise<Server> {
  const app = await createApp({ sequelize, config, logger });
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST || undefined;
  const server = await new Promise<Server>((resolve) => {
    const listening: Server = host ? app.listen(port, host, () => resolve(listening)) : app.listen(port, () => resolve(listening));
  });
  const { port: actual } = server.address() as AddressInfo;
  logger.info({ port: actual, url: `http://${host ?? 'localhost'}:${actual}` }, 'listening');
  const timeoutMs = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 10_000);
  keepActionPartitionsDaily(sequelize, logger);
  const drain = async () => liveHubOf(app)?.close();
  stopOnSignals(shutdownGracefully(server, { logger, release: () => sequelize.close(), drain, timeoutMs }));
  return server;
}
