import type AdminJS from 'adminjs';
import { ADMIN_JS_TMP_DIR, componentsBundler, generateUserComponentEntry } from 'adminjs/bundler';

/** Set (to "1") in the environment of processes that must not bundle: the bundle is already built. */
export const PREBUILT_ENV = 'ACTSTREAM_ADMIN_BUNDLE_BUILT';

let built: Promise<void> | undefined;
let builtEntry: string | undefined;

/**
 * Bundles the admin's React components into .adminjs/ now, so a clean clone (or a changed
 * component) works without `admin.watch()`: AdminJS alone reuses any existing bundle, even a stale
 * one. Once per process and entry.
 */
export function bundleComponents(admin: AdminJS): Promise<void> {
  // A cluster's primary builds the bundle once before forking; its workers serve that file.
  if (process.env[PREBUILT_ENV] === '1') {
    process.env.ADMIN_JS_SKIP_BUNDLE = 'true';
    return Promise.resolve();
  }
  const entry = generateUserComponentEntry(admin, ADMIN_JS_TMP_DIR);
  if (built && builtEntry === entry) return built;
  builtEntry = entry;
  built = (async () => {
    await componentsBundler.createEntry({ content: entry });
    await componentsBundler.build();
    // In production @adminjs/express's router calls admin.initialize(), which would start a second,
    // unawaited build of the same file while it is being served; the bundle is already there.
    process.env.ADMIN_JS_SKIP_BUNDLE = 'true';
  })();
  return built;
}
