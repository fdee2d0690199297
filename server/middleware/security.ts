import type { RequestHandler } from 'express';
import helmet from 'helmet';

export interface SecurityHeaderOptions {
  production: boolean;
  /** Where the admin is mounted: it gets the looser script/style policy AdminJS needs. */
  adminPath?: string;
}

/**
 * helmet's headers everywhere, with two Content-Security-Policies: the pages, feeds and API allow
 * no script at all beyond same-origin files (pages use only inline styles); AdminJS renders its
 * state in an inline <script> and styles with styled-components, so /admin allows inline scripts
 * and styles from itself only — still no other origin, no plugins, no framing.
 */
export function securityHeaders({ production, adminPath = '/admin' }: SecurityHeaderOptions): RequestHandler {
  const common = {
    defaultSrc: ["'self'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    objectSrc: ["'none'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    // Only in production, where the site is served over HTTPS; in development it would break http://localhost.
    upgradeInsecureRequests: production ? [] : null,
  };
  const shared = {
    strictTransportSecurity: production ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' as const },
    crossOriginEmbedderPolicy: false,
  };
  const site = helmet({
    ...shared,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { ...common, scriptSrc: ["'self'"], scriptSrcAttr: ["'none'"], styleSrc: ["'self'", "'unsafe-inline'"] },
    },
  });
  const admin = helmet({
    ...shared,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        ...common,
        scriptSrc: ["'self'", "'unsafe-inline'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
        fontSrc: ["'self'", 'data:', 'https://fonts.gstatic.com'],
      },
    },
  });
  return (req, res, next) => {
    const path = req.path;
    const isAdmin = path === adminPath || path.startsWith(`${adminPath}/`);
    (isAdmin ? admin : site)(req, res, next);
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF, second line: a state-changing request that carries cookies (and no bearer token) must come
 * from this site. Browsers send Origin (and Sec-Fetch-Site) on cross-site form posts and fetches;
 * the API's X-CSRF-Token and SameSite=Lax are the first line, and AdminJS has no token of its own.
 */
export const rejectCrossSiteWrites: RequestHandler = (req, res, next) => {
  if (SAFE_METHODS.has(req.method) || !req.headers.cookie || req.headers.authorization) return next();
  const origin = req.get('origin');
  let foreign = req.get('sec-fetch-site') === 'cross-site';
  if (origin !== undefined) {
    try {
      foreign ||= origin === 'null' || new URL(origin).hostname !== req.hostname;
    } catch {
      foreign = true;
    }
  }
  if (!foreign) return next();
  const message = 'Cross-site request refused: state changes with a cookie must come from this site.';
  if (req.path.startsWith('/api/')) {
    res.status(403).json({ error: { code: 'cross_site_request', message, details: { origin: origin ?? null } } });
  } else {
    res.status(403).type('text/plain').send(message);
  }
};
