import type AdminJS from 'adminjs';
import { createLinks, type Links } from './links.js';
import { sequelizeModelOrNull } from './sequelize-model.js';

const cache = new WeakMap<AdminJS, Links>();

/**
 * Links to the admin pages of the AdminJS instance's Sequelize resources, by model name (AdminJS
 * names a resource after its table unless `options.id` says otherwise: the instance knows which).
 */
export function linksOf(admin: AdminJS): Links {
  let links = cache.get(admin);
  if (!links) {
    const ids = new Map<string, string>();
    for (const resource of admin.resources) {
      const model = sequelizeModelOrNull(resource);
      if (model && !ids.has(model.name)) ids.set(model.name, resource.id());
    }
    links = createLinks(admin.options.rootPath ?? '/admin', ids);
    cache.set(admin, links);
  }
  return links;
}

/** Whether the instance has a resource with this id. */
export function hasResource(admin: AdminJS, id: string): boolean {
  return admin.resources.some((resource) => resource.id() === id);
}
