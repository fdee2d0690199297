import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';

/** Pico's compiled stylesheet, from the @picocss/pico package (its `main`), so nothing comes from another origin. */
const PICO_CSS_DIR = dirname(createRequire(import.meta.url).resolve('@picocss/pico'));
/** The site's own few rules on top (copied beside the compiled code by scripts/build.mjs). */
const SITE_ASSETS = fileURLToPath(new URL('./assets', import.meta.url));

// An hour: the file names carry no hash, so a new release is picked up within the hour.
const CACHE = { maxAge: '1h', index: false, fallthrough: false, redirect: false } as const;

/** GET /assets/pico.min.css and /assets/site.css: the pages' stylesheets, served from our own origin. */
export function assetRoutes(): Router {
  const router = Router();
  router.get('/assets/pico.min.css', (_req, res, next) => res.sendFile('pico.min.css', { root: PICO_CSS_DIR, maxAge: CACHE.maxAge }, next));
  router.use('/assets', express.static(SITE_ASSETS, CACHE));
  return router;
}
