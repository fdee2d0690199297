import type { Model, Sequelize, Transaction } from 'sequelize';
import { ActstreamArgumentError } from './errors.js';
import { Action, type ActionData } from './models.js';
import { checkRecipients, deliveryFor, fanOut, hasRecipients, type Delivery, type Recipients } from './notify.js';
import { referenceOf } from './registry.js';
import { isPlainObject, PRIVATE_KEY } from './visibility.js';
import { insert, insertStatement, pushParameters, savedAction, type ActionRow } from './inserts.js';
import { currentSettings } from './setup.js';
import { allOrNothing } from './transactions.js';

export interface SendOptions {
  verb: string;
  actionObject?: Model | null;
  target?: Model | null;
  description?: string | null;
  /** Private actions (false) never appear in streams. Default true. */
  public?: boolean;
  /** Default: now. */
  timestamp?: Date;
  /**
   * JSON data, as public as the action itself (anyone who may see the action sees it), except what
   * is under `data.private` (an object): that only staff and the people the action is about (its
   * actor and its action object) see. See visibility.ts.
   */
  data?: ActionData | null;
  /** Users to notify of the action (see notify.ts), in the same transaction. */
  notify?: Recipients | null;
  transaction?: Transaction | null;
}

export interface SendManyItem extends Omit<SendOptions, 'transaction'> {
  actor: Model;
}

/** Whether a string, or any key or string inside an object or array, holds a NUL character. */
function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value === null || typeof value !== 'object' || depth > 64) return false;
  if (Array.isArray(value)) return value.some((item) => hasNul(item, depth + 1));
  return Object.entries(value).some(([key, item]) => key.includes('\u0000') || hasNul(item, depth + 1));
}

/** Checks everything and turns it into a row; throws before anything is written. */
function toRow(actor: Model, options: Omit<SendOptions, 'transaction'>): ActionRow {
  currentSettings();
  const { verb } = options;
  if (typeof verb !== 'string' || verb.trim() === '') {
    throw new ActstreamArgumentError('verb must be a non-empty string');
  }
  if (verb.length > 255) throw new ActstreamArgumentError('verb must be at most 255 characters');
  // PostgreSQL refuses NUL in text and JSON, and SQLite cuts text at it: refused on every database.
  if (hasNul(verb) || hasNul(options.description) || hasNul(options.data)) {
    throw new ActstreamArgumentError('verb, description and data must not contain NUL characters');
  }
  if (options.timestamp !== undefined && !(options.timestamp instanceof Date && !Number.isNaN(options.timestamp.getTime()))) {
    throw new ActstreamArgumentError('timestamp must be a valid Date');
  }
  if (options.data !== undefined && options.data !== null) {
    if (!isPlainObject(options.data)) throw new ActstreamArgumentError('data must be an object');
    // The admin reads data.private as an object; views strip it whatever it holds.
    if (PRIVATE_KEY in options.data && !isPlainObject(options.data[PRIVATE_KEY])) {
      throw new ActstreamArgumentError(`data.${PRIVATE_KEY}, when given, must be an object`);
    }
  }
  const actorRef = referenceOf(actor);
  const target = options.target ? referenceOf(options.target) : null;
  const actionObject = options.actionObject ? referenceOf(options.actionObject) : null;
  return {
    actorType: actorRef.type,
    actorId: actorRef.id,
    verb,
    description: options.description ?? null,
    targetType: target?.type ?? null,
    targetId: target?.id ?? null,
    actionObjectType: actionObject?.type ?? null,
    actionObjectId: actionObject?.id ?? null,
    timestamp: options.timestamp ?? new Date(),
    public: options.public ?? true,
    data: options.data ?? null,
  };
}

function attach(saved: Action, actor: Model, options: Omit<SendOptions, 'transaction'>): Action {
  // The caller already holds the objects: hand them back loaded, no query needed.
  saved.actor = actor;
  saved.target = options.target ?? null;
  saved.actionObject = options.actionObject ?? null;
  return saved;
}

// Hooks Model.create (without `validate: false`) and bulkCreate (without individualHooks) would run.
// While any is registered on Action or on the Sequelize instance, send / sendMany go through
// Model.create / bulkCreate as before, so those hooks keep running (and can veto the write).
const CREATE_HOOKS = ['beforeValidate', 'afterValidate', 'validationFailed', 'beforeCreate', 'beforeSave', 'afterCreate', 'afterSave'] as const;
const BULK_CREATE_HOOKS = ['beforeBulkCreate', 'afterBulkCreate'] as const;

function hooked(sequelize: Sequelize, hooks: readonly string[]): boolean {
  // validationFailed is a real hook that Sequelize's typings leave out.
  return hooks.some((hook) => Action.hasHook(hook as 'beforeCreate') || sequelize.hasHook(hook as 'beforeCreate'));
}

/** Records `<actor> <verb> [<actionObject>] [on <target>]`; returns the saved action. */
async function sendAction(actor: Model, options: SendOptions): Promise<Action> {
  const row = toRow(actor, options);
  const transaction = options.transaction ?? undefined;
  const sequelize = Action.sequelize!;
  const statement = insertStatement(sequelize);
  if (statement === null || hooked(sequelize, CREATE_HOOKS)) {
    return attach(await Action.create(row, { transaction }), actor, options);
  }
  const bind: unknown[] = [];
  pushParameters(bind, sequelize, row);
  const [id] = await insert(sequelize, statement, 1, bind, transaction);
  return attach(savedAction(row, id), actor, options);
}

/**
 * Validates every item, then writes them all in one INSERT, except when there are more rows than one
 * INSERT carries: 5957 on PostgreSQL and MySQL/MariaDB (their 65535 bind parameters), 2978 on SQLite
 * (32766). Then the rows go in several INSERTs, in a transaction of their own (or a savepoint of the given one), so the call
 * is still all or nothing. The actions come back in item order, with their ids.
 */
async function sendManyActions(items: SendManyItem[], options: { transaction?: Transaction | null } = {}): Promise<Action[]> {
  const rows = items.map(({ actor, ...rest }) => toRow(actor, rest));
  if (rows.length === 0) return [];
  const sequelize = Action.sequelize!;
  const statement = insertStatement(sequelize);
  if (statement === null || hooked(sequelize, BULK_CREATE_HOOKS)) {
    const saved = await Action.bulkCreate(rows, { transaction: options.transaction ?? undefined, returning: true });
    return saved.map((action, i) => attach(action, items[i].actor, items[i]));
  }

  // Every statement's parameters first, so nothing is written when one of them cannot be encoded.
  const chunks: { count: number; bind: unknown[] }[] = [];
  for (let start = 0; start < rows.length; start += statement.maxRows) {
    const end = Math.min(start + statement.maxRows, rows.length);
    const bind: unknown[] = [];
    for (let i = start; i < end; i++) pushParameters(bind, sequelize, rows[i]);
    chunks.push({ count: end - start, bind });
  }

  let ids: number[];
  if (chunks.length === 1) {
    ids = await insert(sequelize, statement, chunks[0].count, chunks[0].bind, options.transaction ?? undefined);
  } else {
    // More rows than one INSERT carries (see maxRows): several INSERTs, all or nothing. In
    // a transaction of its own, or in a savepoint of the caller's, so that a failing INSERT leaves
    // none of the others behind even when the caller goes on and commits.
    const insertAll = async (transaction: Transaction): Promise<number[]> => {
      const all: number[] = [];
      for (const chunk of chunks) all.push(...(await insert(sequelize, statement, chunk.count, chunk.bind, transaction)));
      return all;
    };
    ids = await allOrNothing(sequelize, options.transaction, insertAll);
  }
  return rows.map((row, i) => attach(savedAction(row, ids[i]), items[i].actor, items[i]));
}

// With `notify`, the action(s) and their notifications are written all or nothing: in the given (or
// ambient CLS) transaction, through a savepoint, or in a transaction of their own. Everything is
// checked before the first write. A private action notifies only the users it is about.

/** `action.send`: sendAction, plus the notifications of `notify`. */
async function send(actor: Model, options: SendOptions): Promise<Action> {
  const recipients = options.notify == null ? null : checkRecipients(options.notify);
  if (recipients === null || !hasRecipients(recipients)) return sendAction(actor, options);
  toRow(actor, options);
  return allOrNothing(Action.sequelize!, options.transaction, async (transaction) => {
    const sent = await sendAction(actor, { ...options, transaction });
    await fanOut([deliveryFor(sent, recipients)], transaction, true);
    return sent;
  });
}

/** `action.sendMany`: sendManyActions, plus the notifications of each item's `notify`. */
async function sendMany(items: SendManyItem[], options: { transaction?: Transaction | null } = {}): Promise<Action[]> {
  if (!Array.isArray(items)) throw new ActstreamArgumentError('sendMany expects an array of actions');
  const recipients = items.map((item) => (item.notify == null ? null : checkRecipients(item.notify)));
  if (!recipients.some((r) => r !== null && hasRecipients(r))) return sendManyActions(items, options);
  items.forEach(({ actor, ...rest }) => toRow(actor, rest));
  return allOrNothing(Action.sequelize!, options.transaction, async (transaction) => {
    const sent = await sendManyActions(items, { transaction });
    const deliveries: Delivery[] = [];
    sent.forEach((saved, i) => {
      const to = recipients[i];
      if (to !== null && hasRecipients(to)) deliveries.push(deliveryFor(saved, to));
    });
    await fanOut(deliveries, transaction, true);
    return sent;
  });
}

export const action = { send, sendMany };
