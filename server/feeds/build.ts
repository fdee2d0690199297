import { Feed } from 'feed';
import { headline } from '../shared/present.js';
import type { ActionJsonType } from '../shared/schemas.js';

/** Labels are plain text; Atom's html-typed title/summary and RSS's description are HTML, so escape them there. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export type FeedFormat = 'atom' | 'rss';

export interface FeedInfo {
  title: string;
  /** The feed's own URL without the format suffix, e.g. https://host/feeds/any/User/1 */
  selfBase: string;
  /** The HTML page showing the same stream. */
  pageUrl: string;
}

/**
 * A stream page's actions, as their viewer may see them (actionJson), as an Atom 1.0 or RSS 2.0
 * document (the `feed` library does the XML and its escaping).
 */
export function renderFeed(info: FeedInfo, actions: ActionJsonType[], format: FeedFormat): string {
  const newest = actions[0] ? new Date(actions[0].timestamp) : undefined;
  const feed = new Feed({
    title: info.title,
    id: `${info.selfBase}.atom`,
    link: info.pageUrl,
    description: info.title,
    updated: newest ?? new Date(0),
    generator: 'actstream',
    copyright: '',
    feedLinks: { atom: `${info.selfBase}.atom`, rss: `${info.selfBase}.rss` },
  });
  for (const action of actions) {
    const { actor, url } = action;
    const title = headline(action);
    feed.addItem({
      // RSS titles are read as plain text; Atom's (type="html" here) as HTML.
      title: format === 'atom' ? escapeHtml(title) : title,
      id: url,
      guid: url,
      link: url,
      date: new Date(action.timestamp),
      published: new Date(action.timestamp),
      description: escapeHtml(action.description ?? title),
      // RSS 2.0 wants an email in <author>, which we never publish: Atom only.
      ...(format === 'atom' ? { author: [{ name: actor.label, link: actor.url }] } : {}),
    });
  }
  return format === 'atom' ? feed.atom1() : feed.rss2();
}

export const FEED_TYPES: Record<FeedFormat, string> = {
  atom: 'application/atom+xml; charset=utf-8',
  rss: 'application/rss+xml; charset=utf-8',
};
