import { fileURLToPath } from 'node:url';
import { ComponentLoader } from 'adminjs';

/**
 * The admin's own React components, bundled by AdminJS into .adminjs/ (see admin/bundle.ts); the
 * actstream feature adds its Activity view to the same loader.
 */
export interface AdminComponents {
  Dashboard: string;
  ReferenceLink: string;
  ActionChanges: string;
  ExportActionLog: string;
}

function file(name: string): string {
  return fileURLToPath(new URL(`./${name}.tsx`, import.meta.url));
}

/** A fresh loader with our components registered (one per AdminJS instance). */
export function loadComponents(): { componentLoader: ComponentLoader; components: AdminComponents } {
  const componentLoader = new ComponentLoader();
  const components: AdminComponents = {
    Dashboard: componentLoader.add('ActstreamDashboard', file('Dashboard')),
    ReferenceLink: componentLoader.add('ActstreamReferenceLink', file('ReferenceLink')),
    ActionChanges: componentLoader.add('ActstreamActionChanges', file('ActionChanges')),
    ExportActionLog: componentLoader.add('ActstreamExportActionLog', file('ExportActionLog')),
  };
  return { componentLoader, components };
}
