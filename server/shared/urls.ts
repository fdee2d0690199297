import type { Request } from 'express';

/**
 * The absolute base of links the server writes (feeds and Activity Streams need absolute IRIs):
 * PUBLIC_URL when set, else the request's own protocol and host. Only used in bodies, never to redirect.
 */
export function baseUrl(req: Request): string {
  const configured = process.env.PUBLIC_URL;
  if (configured) return configured.replace(/\/+$/, '');
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

const part = encodeURIComponent;

/** Paths of the public pages, feeds and API streams, relative to the base. */
export const paths = {
  objectPage: (type: string, id: string) => `/streams/${part(type)}/${part(id)}`,
  modelPage: (type: string) => `/streams/${part(type)}`,
  actionPage: (id: number | string) => `/actions/${part(String(id))}`,
  objectFeed: (kind: string, type: string, id: string, format: 'atom' | 'rss') =>
    `/feeds/${part(kind)}/${part(type)}/${part(id)}.${format}`,
  modelFeed: (type: string, format: 'atom' | 'rss') => `/feeds/model/${part(type)}.${format}`,
  objectApi: (kind: string, type: string, id: string) => `/api/streams/${part(kind)}/${part(type)}/${part(id)}`,
  modelApi: (type: string) => `/api/streams/model/${part(type)}`,
  actionApi: (id: number | string) => `/api/actions/${part(String(id))}`,
};

/** `path` with the query parameters that are set (others left out). */
export function withQuery(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, value);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}
