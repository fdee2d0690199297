import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import type { Response } from 'express';
import { absoluteTime, avatarHue, initials } from './format.js';

const VIEWS = fileURLToPath(new URL('./views', import.meta.url));

// autoescape: every {{ value }} is HTML-escaped unless a template says otherwise (none do).
const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEWS), { autoescape: true, throwOnUndefined: false });
env.addFilter('absoluteTime', absoluteTime);
env.addFilter('initials', initials);
env.addFilter('avatarHue', avatarHue);

export function render(res: Response, status: number, template: string, context: object): void {
  res.status(status).type('html').send(env.render(template, context));
}

/** The page as HTML, for a caller that hashes it before sending. */
export function renderHtml(template: string, context: object): string {
  return env.render(template, context);
}
