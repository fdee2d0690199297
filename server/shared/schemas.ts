import { z } from 'zod';
import { MAX_FOLLOW_LIMIT, MAX_LIMIT } from 'actstream';

// One set of schemas: the routes validate with them and /api/openapi.json is generated from them.

const flagText = z.string().max(100);
const booleanParam = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');
const dateParam = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

export const StreamQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).optional(),
  before: z.string().min(1).max(200).optional().describe('The `next` cursor of the previous page'),
  verb: z.string().min(1).max(255).optional(),
  since: dateParam.optional().describe('Only actions at or after this ISO 8601 time'),
  until: dateParam.optional().describe('Only actions at or before this ISO 8601 time'),
});

export const UserStreamQuery = StreamQuery.extend({
  withUserActivity: booleanParam.optional(),
  followFlag: flagText.optional(),
  onlyAfterFollow: booleanParam.optional(),
});

/** The API's streams take `grouped` too (the feeds and pages choose their own). */
const groupedParam = booleanParam.optional().describe('Fold consecutive similar actions into groups ("Ann, Bob and 3 others joined Climbers")');
export const ApiStreamQuery = StreamQuery.extend({ grouped: groupedParam });
export const ApiUserStreamQuery = UserStreamQuery.extend({ grouped: groupedParam });

export const NotificationQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).optional(),
  before: z.string().min(1).max(200).optional().describe('The `next` cursor of the previous page'),
  unread: booleanParam.optional().describe('Only unread notifications'),
  grouped: groupedParam,
});
const notificationId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const MarkReadBody = z.strictObject({
  upTo: notificationId.describe('The id of the newest notification the user was shown; newer ones stay unread'),
});
export const NotificationIdParams = z.object({ id: z.string().regex(/^\d{1,15}$/, 'must be a positive integer') });

export const StreamKind = z.enum(['actor', 'target', 'action-object', 'any']);

export const ObjectParams = z.object({ type: z.string().min(1).max(100), id: z.string().min(1).max(255) });
export const TypeParams = z.object({ type: z.string().min(1).max(100) });
export const ActionIdParams = z.object({ id: z.string().regex(/^\d{1,15}$/, 'must be a positive integer') });
export const UserIdParams = z.object({ userId: z.string().min(1).max(255) });
export const FlagQuery = z.strictObject({ flag: flagText.optional() });
export const FollowListQuery = FlagQuery.extend({
  limit: z.coerce.number().int().min(1).max(MAX_FOLLOW_LIMIT).optional().describe(`Page size, default 50, at most ${MAX_FOLLOW_LIMIT}`),
  after: z.string().min(1).max(200).optional().describe('The `next` cursor of the previous page'),
});

/** Another object, named by its registered model and primary key. */
export const ObjectInput = z.strictObject({
  type: z.string().min(1).max(100),
  id: z.union([z.string().min(1).max(255), z.number().int().nonnegative()]).transform(String),
});

export const SendActionBody = z.strictObject({
  verb: z.string().trim().min(1, 'must not be empty').max(255),
  actionObject: ObjectInput.nullish(),
  target: ObjectInput.nullish(),
  description: z.string().max(10_000).nullish(),
  public: z.boolean().optional(),
  data: z
    .looseObject({ private: z.record(z.string(), z.unknown()).optional() })
    .nullish()
    .describe('As public as the action, except `private` (an object), which only you, the action object (when it is a user) and staff see'),
  actor: ObjectInput.optional().describe('Optional; when given it must be yourself'),
});

export const FollowBody = z.strictObject({
  type: z.string().min(1).max(100),
  id: z.union([z.string().min(1).max(255), z.number().int().nonnegative()]).transform(String),
  flag: flagText.optional(),
  actorOnly: z.boolean().optional(),
  user: ObjectInput.optional().describe('Optional; when given it must be yourself'),
});

export const UnfollowBody = FollowBody.omit({ actorOnly: true });

export const LoginBody = z.strictObject({
  email: z.string().min(1).max(255),
  password: z.string().min(1).max(1000),
});

export const CreateTokenBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scope: z.enum(['api', 'feed']).optional().describe('"feed" tokens only open the owner\'s Atom/RSS feed'),
});
export const TokenIdParams = z.object({ id: z.string().regex(/^\d{1,15}$/, 'must be a positive integer') });

// Responses, registered by name: /api/openapi.json lists them under components.schemas.

export const apiSchemas = z.registry<{ id: string }>();

export const ObjectRef = z
  .strictObject({
    type: z.string(),
    id: z.string(),
    label: z.string(),
    url: z.string(),
    deleted: z.literal(true).optional(),
  })
  .register(apiSchemas, { id: 'ObjectRef' });

export const ActionJson = z
  .strictObject({
    id: z.number().int(),
    verb: z.string(),
    timestamp: z.string(),
    description: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).nullable(),
    public: z.boolean(),
    sentence: z.string(),
    actor: ObjectRef,
    actionObject: ObjectRef.nullable(),
    target: ObjectRef.nullable(),
    url: z.string(),
  })
  .register(apiSchemas, { id: 'Action' });

export const StreamPageJson = z
  .strictObject({ actions: z.array(ActionJson), next: z.string().nullable() })
  .register(apiSchemas, { id: 'StreamPage' });

const ActionPoint = z.strictObject({ id: z.number().int(), timestamp: z.string(), url: z.string() });

export const ActionGroupJson = z
  .strictObject({
    verb: z.string(),
    headline: z.string().describe('"Ann, Bob and 3 others joined Climbers"'),
    sentence: z.string().describe('The headline and when: "… 2 hours ago"'),
    count: z.number().int().describe('Actions in the group'),
    actorCount: z.number().int().describe('Distinct actors'),
    actors: z.array(ObjectRef).describe('Up to 3 actors, most recent first'),
    actionObject: ObjectRef.nullable(),
    target: ObjectRef.nullable(),
    newest: ActionPoint,
    oldest: ActionPoint,
  })
  .register(apiSchemas, { id: 'ActionGroup' });

export const GroupedStreamPageJson = z
  .strictObject({ groups: z.array(ActionGroupJson), next: z.string().nullable() })
  .register(apiSchemas, { id: 'GroupedStreamPage' });

export const NotificationJson = z
  .strictObject({ id: z.number().int(), read: z.boolean(), notifiedAt: z.string(), action: ActionJson })
  .register(apiSchemas, { id: 'Notification' });

export const NotificationGroupJson = z
  .strictObject({
    ids: z.array(z.number().int()).describe('The notifications in the group, newest first'),
    read: z.boolean().describe('Every one of them read'),
    unread: z.number().int(),
    group: ActionGroupJson,
  })
  .register(apiSchemas, { id: 'NotificationGroup' });

export const NotificationPageJson = z
  .strictObject({ items: z.array(NotificationJson), next: z.string().nullable() })
  .register(apiSchemas, { id: 'NotificationPage' });

export const GroupedNotificationPageJson = z
  .strictObject({ items: z.array(NotificationGroupJson), next: z.string().nullable() })
  .register(apiSchemas, { id: 'GroupedNotificationPage' });

export const UnreadCountJson = z
  .strictObject({ count: z.number().int(), capped: z.boolean().describe('More are unread than `count` says') })
  .register(apiSchemas, { id: 'UnreadCount' });

export const ReadMarkerJson = z.strictObject({ readUpTo: z.number().int().nullable() }).register(apiSchemas, { id: 'ReadMarker' });
export const NotificationReadJson = z.strictObject({ id: z.number().int(), read: z.boolean() }).register(apiSchemas, { id: 'NotificationRead' });

export const ErrorJson = z
  .strictObject({
    error: z.strictObject({ code: z.string(), message: z.string(), details: z.unknown() }),
  })
  .register(apiSchemas, { id: 'Error' });

export const FollowJson = z
  .strictObject({
    object: ObjectRef,
    flag: z.string(),
    actorOnly: z.boolean(),
    started: z.string(),
    created: z.boolean(),
  })
  .register(apiSchemas, { id: 'Follow' });

export const UnfollowJson = z.strictObject({ removed: z.number().int() }).register(apiSchemas, { id: 'Unfollow' });
export const FollowersJson = z
  .strictObject({ followers: z.array(ObjectRef), next: z.string().nullable() })
  .register(apiSchemas, { id: 'Followers' });
export const FollowingJson = z
  .strictObject({ following: z.array(ObjectRef), next: z.string().nullable() })
  .register(apiSchemas, { id: 'Following' });

export const SessionJson = z.strictObject({ user: ObjectRef, csrfToken: z.string() }).register(apiSchemas, { id: 'Session' });

export const TokenJson = z
  .strictObject({
    id: z.number().int(),
    name: z.string(),
    scope: z.enum(['api', 'feed']),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .register(apiSchemas, { id: 'Token' });
export const NewTokenJson = TokenJson.extend({
  token: z.string().describe('Shown once; only its hash is kept'),
  feedUrls: z.strictObject({ atom: z.string(), rss: z.string() }).optional(),
}).register(apiSchemas, { id: 'NewToken' });
export const TokenListJson = z.strictObject({ tokens: z.array(TokenJson) }).register(apiSchemas, { id: 'TokenList' });

export const As2Json = z.looseObject({ '@context': z.string(), type: z.string() }).register(apiSchemas, { id: 'ActivityStreams' });

export type ActionJsonType = z.infer<typeof ActionJson>;
export type ActionGroupJsonType = z.infer<typeof ActionGroupJson>;
export type NotificationJsonType = z.infer<typeof NotificationJson>;
export type NotificationGroupJsonType = z.infer<typeof NotificationGroupJson>;
export type ObjectRefType = z.infer<typeof ObjectRef>;
