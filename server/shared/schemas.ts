import { z } from 'zod';
import { MAX_FOLLOW_LIMIT, MAX_LIMIT } from '../../actstream/index.js';

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
export type ObjectRefType = z.infer<typeof ObjectRef>;
