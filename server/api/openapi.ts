import { z } from 'zod';
import {
  ActionJson,
  ApiStreamQuery,
  ApiUserStreamQuery,
  As2Json,
  CreateTokenBody,
  apiSchemas,
  ErrorJson,
  FollowListQuery,
  FollowBody,
  FollowersJson,
  FollowingJson,
  FollowJson,
  GroupedNotificationPageJson,
  GroupedStreamPageJson,
  LoginBody,
  MarkReadBody,
  NotificationPageJson,
  NotificationQuery,
  NotificationReadJson,
  ReadMarkerJson,
  NewTokenJson,
  SendActionBody,
  SessionJson,
  StreamPageJson,
  TokenListJson,
  UnfollowBody,
  UnfollowJson,
  UnreadCountJson,
} from '../shared/schemas.js';

type Json = Record<string, unknown>;

const COMPONENTS = '#/components/schemas/';

function clean(schema: Json): Json {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/** The named response schemas as JSON Schema 2020-12 (OpenAPI 3.1's dialect), referring to each other. */
function componentSchemas(): Json {
  const converted = z.toJSONSchema(apiSchemas, { io: 'output', unrepresentable: 'any', uri: (id) => COMPONENTS + id });
  return Object.fromEntries(Object.entries(converted.schemas).map(([name, schema]) => [name, clean(schema as Json)]));
}

/** A reference to a named (registered) schema, or an unnamed request schema inlined. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const id = apiSchemas.get(schema)?.id;
  if (id) return { $ref: COMPONENTS + id };
  return clean(z.toJSONSchema(schema, { io, unrepresentable: 'any', reused: 'inline' }) as Json);
}

function queryParameters(schema: z.ZodObject): Json[] {
  const converted = jsonSchema(schema, 'input') as { properties?: Json };
  return Object.entries(converted.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: false,
    schema: property,
    ...(typeof (property as Json).description === 'string' ? { description: (property as Json).description } : {}),
  }));
}

function pathParameter(name: string, description: string): Json {
  return { name, in: 'path', required: true, schema: { type: 'string' }, description };
}

const json = (schema: Json) => ({ 'application/json': { schema } });

let cached: Json | undefined;

/** The OpenAPI 3.1 document of the JSON API, generated from the schemas the routes validate with. */
export function openApiDocument(): Json {
  if (cached) return cached;
  const components = componentSchemas();
  const error = jsonSchema(ErrorJson, 'output');
  // With grouped=true a page holds groups instead of actions.
  const page = { anyOf: [jsonSchema(StreamPageJson, 'output'), jsonSchema(GroupedStreamPageJson, 'output')] };
  const notificationPage = { anyOf: [jsonSchema(NotificationPageJson, 'output'), jsonSchema(GroupedNotificationPageJson, 'output')] };
  const as2 = jsonSchema(As2Json, 'output');
  const errors = (...statuses: number[]) =>
    Object.fromEntries(statuses.map((status) => [String(status), { description: 'Error', content: json(error) }]));
  const streamResponses = {
    '200': {
      description: 'A page of actions, newest first; Activity Streams 2.0 with Accept: application/activity+json',
      content: { ...json(page), 'application/activity+json': { schema: as2 } },
    },
    ...errors(400, 404),
  };
  const streamQuery = queryParameters(ApiStreamQuery);
  const typeParam = pathParameter('type', 'A registered model name, e.g. User');
  const idParam = pathParameter('id', "The object's primary key");
  const body = (schema: z.ZodType) => ({ required: true, content: json(jsonSchema(schema, 'input')) });
  const ok = (description: string, schema: z.ZodType) => ({ description, content: json(jsonSchema(schema, 'output')) });
  const auth = [{ bearer: [] }, { session: [] }];

  const objectStream = (kind: string) => ({
    get: {
      summary: `Public actions where the object is ${kind === 'any' ? 'in any role' : `the ${kind}`}`,
      parameters: [typeParam, idParam, ...streamQuery],
      responses: streamResponses,
    },
  });

  cached = {
    openapi: '3.1.0',
    info: { title: 'Actstream API', version: '1.0.0', description: 'Activity streams over HTTP.' },
    paths: {
      '/api/streams/actor/{type}/{id}': objectStream('actor'),
      '/api/streams/target/{type}/{id}': objectStream('target'),
      '/api/streams/action-object/{type}/{id}': objectStream('action object'),
      '/api/streams/any/{type}/{id}': objectStream('any'),
      '/api/streams/model/{type}': {
        get: { summary: 'Public actions on any object of a model', parameters: [typeParam, ...streamQuery], responses: streamResponses },
      },
      '/api/streams/user': {
        get: {
          summary: "The logged-in user's feed (with withUserActivity, their own private actions too); actions about them show their private data",
          security: auth,
          parameters: queryParameters(ApiUserStreamQuery),
          responses: { ...streamResponses, ...errors(401) },
        },
      },
      '/api/actions/{id}': {
        get: {
          summary: 'One action: public, or about you (your own, or done to you), then with its private data',
          parameters: [pathParameter('id', 'Action id')],
          responses: {
            '200': { description: 'The action', content: { ...json(jsonSchema(ActionJson, 'output')), 'application/activity+json': { schema: as2 } } },
            ...errors(400, 404),
          },
        },
      },
      '/api/actions': {
        post: {
          summary: 'Send an action as yourself',
          security: auth,
          requestBody: body(SendActionBody),
          responses: { '201': ok('The new action', ActionJson), ...errors(400, 401, 403, 404, 413, 415, 429) },
        },
      },
      '/api/follows': {
        post: {
          summary: 'Follow an object as yourself',
          security: auth,
          requestBody: body(FollowBody),
          responses: { '201': ok('Now following', FollowJson), '200': ok('Already following', FollowJson), ...errors(400, 401, 403, 404, 429) },
        },
        delete: {
          summary: 'Stop following an object',
          security: auth,
          requestBody: body(UnfollowBody),
          responses: { '200': ok('How many follows went', UnfollowJson), ...errors(400, 401, 403, 404, 429) },
        },
      },
      '/api/followers/{type}/{id}': {
        get: {
          summary: "An object's followers (public, like the \"started following\" actions), a page at a time: earliest first; pass `next` as `after`",
          parameters: [typeParam, idParam, ...queryParameters(FollowListQuery)],
          responses: { '200': ok('Followers', FollowersJson), ...errors(400, 404) },
        },
      },
      '/api/following/{userId}': {
        get: {
          summary: 'What a user follows (public), a page at a time: earliest first; pass `next` as `after`',
          parameters: [pathParameter('userId', 'User id'), ...queryParameters(FollowListQuery)],
          responses: { '200': ok('Followed objects', FollowingJson), ...errors(400, 404) },
        },
      },
      '/api/notifications': {
        get: {
          summary: 'Your notifications, newest first, each with whether you read it (grouped=true: groups of them)',
          security: auth,
          parameters: queryParameters(NotificationQuery),
          responses: {
            '200': {
              description: 'A page of notifications; Activity Streams 2.0 with Accept: application/activity+json',
              content: { ...json(notificationPage), 'application/activity+json': { schema: as2 } },
            },
            ...errors(400, 401),
          },
        },
      },
      '/api/notifications/unread-count': {
        get: {
          summary: 'How many of your notifications are unread, counted up to 100',
          security: auth,
          responses: { '200': ok('Unread notifications', UnreadCountJson), ...errors(401) },
        },
      },
      '/api/notifications/read': {
        post: {
          summary: 'Mark your notifications read up to one (the newest you were shown); newer ones stay unread',
          security: auth,
          requestBody: body(MarkReadBody),
          responses: { '200': ok('The read marker', ReadMarkerJson), ...errors(400, 401, 403, 415) },
        },
      },
      '/api/notifications/{id}/read': {
        post: {
          summary: 'Mark one of your notifications read',
          security: auth,
          parameters: [pathParameter('id', 'Notification id')],
          responses: { '200': ok('Marked', NotificationReadJson), ...errors(400, 401, 403, 404) },
        },
        delete: {
          summary: 'Mark one of your notifications unread',
          security: auth,
          parameters: [pathParameter('id', 'Notification id')],
          responses: { '200': ok('Marked', NotificationReadJson), ...errors(400, 401, 403, 404) },
        },
      },
      '/api/session': {
        post: {
          summary: 'Log in (any user); sets the session cookie',
          requestBody: body(LoginBody),
          responses: { '200': ok('Logged in', SessionJson), ...errors(400, 401, 429) },
        },
        get: { summary: 'The session and its CSRF token', responses: { '200': ok('Logged in', SessionJson), ...errors(401) } },
        delete: { summary: 'Log out', security: auth, responses: { '204': { description: 'Logged out' }, ...errors(401, 403) } },
      },
      '/api/tokens': {
        get: { summary: 'Your tokens (never the secrets)', security: auth, responses: { '200': ok('Tokens', TokenListJson), ...errors(401) } },
        post: {
          summary: 'Create a bearer (api) or feed token; the token is shown once',
          security: auth,
          requestBody: body(CreateTokenBody),
          responses: { '201': ok('The new token', NewTokenJson), ...errors(400, 401, 403, 429) },
        },
        delete: {
          summary: 'Revoke the bearer token this request is made with',
          security: [{ bearer: [] }],
          responses: { '204': { description: 'Revoked' }, ...errors(400, 401, 403) },
        },
      },
      '/api/tokens/{id}': {
        delete: {
          summary: 'Revoke one of your tokens',
          security: auth,
          parameters: [pathParameter('id', 'Token id')],
          responses: { '204': { description: 'Revoked' }, ...errors(400, 401, 403, 404) },
        },
      },
    },
    components: {
      schemas: components,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        session: { type: 'apiKey', in: 'cookie', name: 'actstream.sid', description: 'State changes also need X-CSRF-Token' },
      },
    },
  };
  return cached;
}
