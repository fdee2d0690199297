import type AdminJS from 'adminjs';
import type { NextFunction, Request, Response } from 'express';

// AdminJS throws (a 500) when its API is asked for a resource or action it does not have, or sorted
// by a column that does not exist. For a signed-in admin these become 404 / 400 with a notice.

const API_PATH = /^\/api\/resources\/([^/]+)\/(?:actions\/([^/]+)|records\/[^/]+\/([^/]+)|bulk\/([^/]+))\/?$/;

function refuse(res: Response, status: number, message: string): void {
  res.status(status).json({ notice: { message, type: 'error' } });
}

export function adminRequestGuard(admin: AdminJS) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const match = API_PATH.exec(req.path);
    if (!match || !(req.session as { adminUser?: unknown } | undefined)?.adminUser) return next();
    const [, resourceId, resourceAction, recordAction, bulkAction] = match.map((part) => (part ? decodeURIComponent(part) : part));
    let resource: ReturnType<AdminJS['findResource']>;
    try {
      resource = admin.findResource(resourceId); // AdminJS's own lookup (options.id, else the table)
    } catch {
      return refuse(res, 404, `There is no resource "${resourceId}".`);
    }
    const decorated = resource.decorate();
    const actionName = resourceAction ?? recordAction ?? bulkAction;
    if (!decorated.actions[actionName]) return refuse(res, 404, `Resource "${resourceId}" has no action "${actionName}".`);
    const { sortBy } = req.query;
    if (sortBy !== undefined && (typeof sortBy !== 'string' || !decorated.getPropertyByKey(sortBy))) {
      return refuse(res, 400, `Cannot sort "${resourceId}" by "${String(sortBy)}": no such property.`);
    }
    next();
  };
}
