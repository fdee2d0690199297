import type { Model } from 'sequelize';
import { timesince, type Action, type ActionGroup, type NotificationGroup, type NotificationItem, type Viewer } from 'actstream';
import { actionJson, groupJson } from '../shared/present.js';
import { paths } from '../shared/urls.js';

/** An action as `viewer` may see it, for the templates: the API's shape with site-relative links, plus "3 hours" for the time. */
export function actionView(action: Action, viewer: Viewer, now = new Date()) {
  return { ...actionJson('', action, viewer, now), ago: timesince(action.timestamp, now) };
}

/**
 * A group for the templates: the API's shape with site-relative links, the actors to name (all of
 * up to 3, else the 2 most recent and "N others") and "3 hours" for the newest member's time.
 */
export function groupView(group: ActionGroup, now = new Date()) {
  const json = groupJson('', group, now);
  const named = group.actorCount <= 3 ? json.actors : json.actors.slice(0, 2);
  return { ...json, named, others: group.actorCount - named.length, ago: timesince(group.newest.timestamp, now) };
}

/** One of `user`'s notifications (their own view). */
export function notificationView(item: NotificationItem, user: Model, now = new Date()) {
  return { id: item.id, read: item.read, action: actionView(item.action, user, now) };
}

export function notificationGroupView(entry: NotificationGroup, now = new Date()) {
  return { ids: entry.items.map((item) => item.id), read: entry.read, group: groupView(entry.group, now) };
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

/** The paths of an object's page and of its follow / unfollow forms. */
export const objectPaths = (type: string, id: string) => {
  const page = paths.objectPage(type, id);
  return { page, follow: `${page}/follow`, unfollow: `${page}/unfollow`, followers: `/followers/${encodeURIComponent(type)}/${encodeURIComponent(id)}` };
};

/**
 * The head of an object's page: what it is, how many follow it, and for a logged-in viewer whether
 * they follow it (and so which form its button posts).
 */
export function objectHeadView(
  ref: { type: string; id: string; label: string; url: string },
  facts: { followerCount: number; isUser: boolean; viewerId: string | null; youFollow: boolean },
) {
  const p = objectPaths(ref.type, ref.id);
  return {
    ...ref,
    followerCount: facts.followerCount,
    followersPath: p.followers,
    followingPath: facts.isUser ? `/following/${encodeURIComponent(ref.id)}` : null,
    modelPath: paths.modelPage(ref.type),
    isYou: facts.isUser && facts.viewerId === ref.id,
    youFollow: facts.youFollow,
    followPath: p.follow,
    unfollowPath: p.unfollow,
  };
}
