import type { LiveRole, LiveStream } from 'actstream';
import type { User } from '../../models/index.js';
import { HttpError, unauthorized } from '../shared/errors.js';
import { findObject, modelOf } from '../shared/objects.js';

/** Streams one connection may listen to at most. */
export const MAX_STREAMS = 20;

const ROLES: Record<string, LiveRole> = { actor: 'actor', target: 'target', 'action-object': 'actionObject', any: 'any' };

const badStream = (stream: string, why: string) =>
  new HttpError(400, 'invalid_stream', `Stream "${stream}": ${why}`, {
    stream,
    forms: ['user', 'notifications', 'object:<type>:<id>', 'object:<type>:<id>:<actor|target|action-object|any>', 'model:<type>'],
  });

/**
 * The streams named in `streams=` (comma-separated): `user` (the caller's feed, their own activity
 * included), `notifications` (the caller's), `object:<type>:<id>[:<role>]` and `model:<type>` (public streams). Every one is checked
 * before the stream opens: a malformed one is a 400, an unknown type or object a 404, the feed or
 * the notifications without a login a 401.
 */
export async function parseStreams(text: string, user: User | null): Promise<LiveStream[]> {
  const names = [...new Set(text.split(',').map((name) => name.trim()))];
  if (names.length === 0 || names.some((name) => name === '')) throw badStream(text, 'name at least one stream, separated by commas');
  if (names.length > MAX_STREAMS) throw new HttpError(400, 'too_many_streams', `At most ${MAX_STREAMS} streams per connection`);
  const streams: LiveStream[] = [];
  for (const name of names) {
    const [kind, ...parts] = name.split(':');
    if (kind === 'user' && parts.length === 0) {
      if (!user) throw unauthorized();
      streams.push({ kind: 'feed', user });
    } else if (kind === 'model' && parts.length === 1) {
      streams.push({ kind: 'model', type: modelOf(parts[0]).name });
    } else if (kind === 'object' && (parts.length === 2 || parts.length === 3)) {
      const [type, id, role = 'any'] = parts;
      if (!(role in ROLES)) throw badStream(name, `unknown role "${role}"`);
      await findObject(type, id);
      streams.push({ kind: 'object', type, id, role: ROLES[role] });
    } else if (kind === 'notifications' && parts.length === 0) {
      if (!user) throw unauthorized();
      streams.push({ kind: 'notifications', user });
    } else {
      throw badStream(name, 'not a stream this server knows');
    }
  }
  return streams;
}
