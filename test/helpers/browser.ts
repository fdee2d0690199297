import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumLaunch, missingLibraries } from './chromium.js';

/** Screenshots go here (git-ignored); look at them after a run. */
export const ARTIFACTS = join(process.cwd(), 'test', 'artifacts');

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Headless chromium (see chromium.ts for which one) with a fresh profile. */
export async function openBrowser(options: {
  viewport: { width: number; height: number };
  javaScriptEnabled?: boolean;
  colorScheme?: 'light' | 'dark';
}): Promise<TestBrowser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const launch = await chromiumLaunch();
  const profile = mkdtempSync(join(tmpdir(), 'actstream-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: launch.executablePath,
      headless: true,
      args: launch.args,
      env: { ...process.env, ...launch.env },
      ...options,
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    const missing = launch.source === 'packaged' ? await missingLibraries(launch) : [];
    if (missing.length) {
      throw new Error(`The packaged Chromium (${launch.executablePath}) cannot start: this machine lacks ${missing.join(', ')}.`, { cause: error });
    }
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  // AdminJS's login page links a web font that cannot load offline; don't wait for it.
  await page.route(/fonts\.googleapis|fonts\.gstatic/, (route) => route.abort());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface TestServer {
  base: string;
  close(): Promise<void>;
}

/** Serves `app` on an ephemeral port of 127.0.0.1. */
export async function listen(app: Express): Promise<TestServer> {
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
