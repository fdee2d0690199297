import type { Format } from './markers.js';

// A breadth-first crawler over a running server (real HTTP, fetch). Every page it fetches leads to
// the rest of its stream: the JSON `next` cursor (and, for API streams, the same page as Activity
// Streams, Atom and RSS), the AS2 `next` link, the HTML pager's rel="next". With followLinks it
// also follows every link to this site it finds in any body.

const AS2 = 'application/activity+json';

export interface Fetched {
  url: string;
  as2: boolean;
  status: number;
  format: Format | 'other';
  text: string;
}

export interface CrawlOptions {
  /** Sent with every request (Authorization for a logged-in viewer). */
  headers?: Record<string, string>;
  followLinks?: boolean;
  /** Maps /api/streams/user to this feed token's Atom/RSS feed. */
  userFeedToken?: string;
  /** Requests in flight at once. */
  concurrency?: number;
  /** A safety net: fail rather than crawl forever. */
  maxRequests?: number;
}

function formatOf(contentType: string): Fetched['format'] {
  if (contentType.startsWith('application/activity+json')) return 'as2';
  if (contentType.startsWith('application/json')) return 'json';
  if (contentType.startsWith('application/atom+xml')) return 'atom';
  if (contentType.startsWith('application/rss+xml')) return 'rss';
  if (contentType.startsWith('text/html')) return 'html';
  return 'other';
}

// Links to the site's streams, actions, feeds and follower lists, absolute or site-relative.
const SITE_LINK = /(?:https?:\/\/[^\s"'<>/]+)?(\/(?:streams|actions|feeds|followers|following|api\/(?:streams|actions|followers|following))(?:[/?][^\s"'<>\\]*)?)/g;

/** The feed paths that show the same stream as an API stream path, or [] when there is none. */
function feedPaths(apiPath: string, userFeedToken: string | undefined): string[] {
  const model = /^\/api\/streams\/model\/([^/]+)$/.exec(apiPath);
  const object = /^\/api\/streams\/(actor|target|action-object|any)\/([^/]+)\/([^/]+)$/.exec(apiPath);
  let base: string | null = null;
  if (model) base = `/feeds/model/${model[1]}`;
  else if (object) base = `/feeds/${object[1]}/${object[2]}/${object[3]}`;
  else if (apiPath === '/api/streams/user' && userFeedToken) base = `/feeds/user/${userFeedToken}`;
  return base ? [`${base}.atom`, `${base}.rss`] : [];
}

export class Crawler {
  readonly fetched: Fetched[] = [];
  private readonly seen = new Set<string>();
  private readonly queue: { url: string; as2: boolean }[] = [];
  private readonly origin: string;

  constructor(
    private readonly base: string,
    private readonly options: CrawlOptions = {},
  ) {
    this.origin = new URL(base).origin;
  }

  /** Queues a site-relative URL (once per URL and representation). */
  add(url: string, as2 = false): void {
    const key = `${as2 ? 'as2' : 'plain'} ${url}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.queue.push({ url, as2 });
  }

  has(url: string, as2 = false): boolean {
    return this.seen.has(`${as2 ? 'as2' : 'plain'} ${url}`);
  }

  async run(): Promise<Fetched[]> {
    const workers = Array.from({ length: this.options.concurrency ?? 4 }, () => this.work());
    await Promise.all(workers);
    return this.fetched;
  }

  private async work(): Promise<void> {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      if (this.fetched.length >= (this.options.maxRequests ?? 20_000)) throw new Error('crawl did not end: more than maxRequests URLs');
      const page = await this.fetch(next.url, next.as2);
      this.fetched.push(page);
      this.expand(page);
    }
  }

  private async fetch(url: string, as2: boolean): Promise<Fetched> {
    const headers: Record<string, string> = { ...this.options.headers };
    if (as2) headers.Accept = AS2;
    const res = await fetch(this.base + url, { headers, redirect: 'manual' });
    return { url, as2, status: res.status, format: formatOf(res.headers.get('content-type') ?? ''), text: await res.text() };
  }

  /** A site-relative path of an absolute or relative link to this site, else null. */
  private local(link: string): string | null {
    const text = link.replaceAll('&amp;', '&');
    if (text.startsWith('/')) return text;
    return text.startsWith(`${this.origin}/`) ? text.slice(this.origin.length) : null;
  }

  private expand(page: Fetched): void {
    if (page.status !== 200) return;
    const url = new URL(page.url, this.base);
    if (page.format === 'json' && url.pathname.startsWith('/api/streams/')) {
      // This page in the other representations, and the next page.
      const query = url.search;
      this.add(page.url, true);
      for (const feed of feedPaths(url.pathname, this.options.userFeedToken)) this.add(feed + query);
      const body = JSON.parse(page.text) as { next?: string | null };
      if (body.next) {
        url.searchParams.set('before', body.next);
        this.add(url.pathname + url.search);
      }
    }
    if (page.format === 'json' && url.pathname.startsWith('/api/actions/')) this.add(page.url, true);
    if (page.format === 'as2') {
      const next = (JSON.parse(page.text) as { next?: string }).next;
      const local = next ? this.local(next) : null;
      if (local) this.add(local, true);
    }
    if (page.format === 'html') {
      const pager = /<a rel="next" href="([^"]+)"/.exec(page.text);
      const local = pager ? this.local(pager[1]) : null;
      if (local) this.add(local);
    }
    if (this.options.followLinks) {
      for (const match of page.text.matchAll(SITE_LINK)) {
        const local = this.local(match[0]);
        // Own feeds are seeded on purpose, never reached by chance.
        if (!local || local.startsWith('/api/streams/user') || local.startsWith('/feeds/user/')) continue;
        // The follow / unfollow forms' targets take POSTs only.
        if (/^\/streams\/[^?]+\/(follow|unfollow)$/.test(local)) continue;
        this.add(local);
      }
    }
  }
}
