/** Where a referenced record lives in the admin. */
export interface Links {
  /** The admin show page of `<type> <id>`, or null when the model has no resource in the admin. */
  record(type: string, id: string): string | null;
  /** The Activity view of `<type> <id>`, or null likewise. */
  activity(type: string, id: string): string | null;
}

/**
 * Links from model names to admin pages. AdminJS names Sequelize resources after their tables, so
 * the caller hands over model name → resource id.
 */
export function createLinks(rootPath: string, resourceIds: ReadonlyMap<string, string>): Links {
  const root = rootPath.replace(/\/+$/, '');
  const path = (type: string, id: string, action: string): string | null => {
    const resourceId = resourceIds.get(type);
    if (resourceId === undefined) return null;
    return `${root}/resources/${encodeURIComponent(resourceId)}/records/${encodeURIComponent(id)}/${action}`;
  };
  return {
    record: (type, id) => path(type, id, 'show'),
    activity: (type, id) => path(type, id, 'activity'),
  };
}
