import { timesince, type Action, type Viewer } from '../../actstream/index.js';
import { actionJson } from '../shared/present.js';
import { paths } from '../shared/urls.js';

/** An action as `viewer` may see it, for the templates: the API's shape with site-relative links, plus "3 hours" for the time. */
export function actionView(action: Action, viewer: Viewer, now = new Date()) {
  return { ...actionJson('', action, viewer, now), ago: timesince(action.timestamp, now) };
}

export interface Alternate {
  type: string;
  title: string;
  href: string;
}

/** <link rel="alternate"> entries: the Atom and RSS feeds and the Activity Streams JSON of a stream. */
export function alternates(feedBase: string, as2Href: string, title: string): Alternate[] {
  return [
    { type: 'application/atom+xml', title: `${title} (Atom)`, href: `${feedBase}.atom` },
    { type: 'application/rss+xml', title: `${title} (RSS)`, href: `${feedBase}.rss` },
    { type: 'application/activity+json', title: `${title} (Activity Streams)`, href: as2Href },
  ];
}

export const objectFeedBase = (type: string, id: string) => paths.objectFeed('any', type, id, 'atom').replace(/\.atom$/, '');
export const modelFeedBase = (type: string) => paths.modelFeed(type, 'atom').replace(/\.atom$/, '');
