import type AdminJS from 'adminjs';
import { ADMIN_JS_TMP_DIR, componentsBundler, generateUserComponentEntry } from 'adminjs/bundler';

let built: Promise<void> | undefined;
let builtEntry: string | undefined;

/**
 * Bundles the admin's React components into .adminjs/ now, so a clean clone (or a changed
 * component) works without `admin.watch()`: AdminJS alone reuses any existing bundle, even a stale
 * one. Once per process and entry.
 */
export function bundleComponents(admin: AdminJS): Promise<void> {
  const entry = generateUserComponentEntry(admin, ADMIN_JS_TMP_DIR);
  if (built && builtEntry === entry) return built;
  builtEntry = entry;
  built = (async () => {
    await componentsBundler.createEntry({ content: entry });
    await componentsBundler.build();
  })();
  return built;
}
