import { join } from 'node:path';
import type { ComponentLoader } from 'adminjs';
import { packageRoot } from '../package-root.js';

/** The name the Activity view's React component is registered under. */
export const ACTIVITY_COMPONENT = 'ActstreamActivity';

/**
 * Registers the feature's React components with the app's loader (the one given to `new AdminJS`).
 * They ship as .tsx sources (in the package's adminjs/components/), which AdminJS bundles with the
 * app's own components. Registering twice is a no-op.
 */
export function registerComponents(componentLoader: ComponentLoader): { Activity: string } {
  const file = (name: string) => join(packageRoot(), 'adminjs', 'components', `${name}.tsx`);
  return { Activity: componentLoader.add(ACTIVITY_COMPONENT, file('Activity')) };
}
