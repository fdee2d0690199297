import type { Model, Sequelize, Transaction } from 'sequelize';
import { ActstreamArgumentError } from './errors.js';
import { fanOutToFeeds, feedWrites } from './feed.js';
import { Action, type ActionData } from './models.js';
import { checkRecipients, deliveryFor, fanOut, hasRecipients, type Delivery, type Recipients } from './notify.js';
import { referenceOf } from './registry.js';
import { savedAction } from './rows.js';
import { currentBackend, currentSettings } from './settings.js';
import type { NewAction } from './sql/index.js';
import { allOrNothing } from './transactions.js';
import { isPlainObject, PRIVATE_KEY } from './visibility.js';

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

/** A validated action: the row to write, and its data as given. */
interface Checked {
  row: NewAction;
  data: ActionData | null;
}

/** What Sequelize's BOOLEAN does to a value before writing it ('true' / 1 → true …). */
function booleanValue(value: unknown): boolean {
  if (typeof value === 'string') return value === 'true' ? true : value === 'false' ? false : Boolean(value);
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : Boolean(value);
  return Boolean(value);
}

// PostgreSQL refuses NUL in text and in JSON (and Sequelize's escaping turns it into "\0"), so no
// database stores it as given: refused everywhere alike. In data, JSON writes it as \u0000, after
// an even number of backslashes (an odd number means the text itself holds "\u0000").
const NUL_IN_JSON = /(?:^|[^\\])(?:\\\\)*\\u0000/;

function checkText(name: string, value: unknown): void {
  if (typeof value === 'string' && value.includes('\u0000')) throw new ActstreamArgumentError(`${name} must not contain NUL characters`);
}

/** Checks everything and turns it into a row; throws before anything is written (data JSON cannot encode too). */
function check(actor: Model, options: Omit<SendOptions, 'transaction'>): Checked {
  currentSettings();
  const { verb } = options;
  if (typeof verb !== 'string' || verb.trim() === '') {
    throw new ActstreamArgumentError('verb must be a non-empty string');
  }
  if (verb.length > 255) throw new ActstreamArgumentError('verb must be at most 255 characters');
  checkText('verb', verb);
  if (options.timestamp !== undefined && !(options.timestamp instanceof Date && !Number.isNaN(options.timestamp.getTime()))) {
    throw new ActstreamArgumentError('timestamp must be a valid Date');
  }
  const actorRef = referenceOf(actor);
  const target = options.target ? referenceOf(options.target) : null;
  const actionObject = options.actionObject ? referenceOf(options.actionObject) : null;
  if (options.data !== undefined && options.data !== null) {
    if (!isPlainObject(options.data)) throw new ActstreamArgumentError('data must be an object');
    // The admin reads data.private as an object; views strip it whatever it holds.
    if (PRIVATE_KEY in options.data && !isPlainObject(options.data[PRIVATE_KEY])) {
      throw new ActstreamArgumentError(`data.${PRIVATE_KEY}, when given, must be an object`);
    }
  }
  const data = options.data ?? null;
  const json = data === null ? null : (JSON.stringify(data) ?? null);
  checkText('description', options.description ?? null);
  if (json !== null && json.includes('\\u0000') && NUL_IN_JSON.test(json)) throw new ActstreamArgumentError('data must not contain NUL characters');
  return {
    row: {
      actorType: actorRef.type,
      actorId: actorRef.id,
      verb,
      description: options.description ?? null,
      targetType: target?.type ?? null,
      targetId: target?.id ?? null,
      actionObjectType: actionObject?.type ?? null,
      actionObjectId: actionObject?.id ?? null,
      timestamp: options.timestamp ?? new Date(),
      public: booleanValue(options.public ?? true),
      data: json,
    },
    data,
  };
}

/** The saved Action for a written row, as if Sequelize had created it, with the objects the caller holds. */
function saved({ row, data }: Checked, id: number, actor: Model, options: Omit<SendOptions, 'transaction'>): Action {
  const { data: _text, ...columns } = row;
  return attach(savedAction({ id, ...columns, data }), actor, options);
}

function attach(action: Action, actor: Model, options: Omit<SendOptions, 'transaction'>): Action {
  // The caller already holds the objects: hand them back loaded, no query needed.
  action.actor = actor;
  action.target = options.target ?? null;
  action.actionObject = options.actionObject ?? null;
  return action;
}

/** Model.create's input for a checked action (its data as given). */
function createValues({ row, data }: Checked) {
  return { ...row, data };
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
  const checked = check(actor, options);
  const transaction = options.transaction ?? undefined;
  const { sequelize } = currentSettings();
  if (hooked(sequelize, CREATE_HOOKS)) {
    return attach(await Action.create(createValues(checked), { transaction }), actor, options);
  }
  const [id] = await currentBackend().session(transaction, 'write', (session) => session.insertActions([checked.row]));
  return saved(checked, id, actor, options);
}

/**
 * Validates every item, then writes them all in one INSERT, except when there are more rows than
 * one INSERT carries (the backend's maxRowsPerInsert: 10,000 on SQLite and PostgreSQL, 5,000 on
 * MySQL/MariaDB). Then the rows go in several INSERTs, in a transaction of their own (or a
 * savepoint of the given one), so the call is still all or nothing. The actions come back in item
 * order, with their ids.
 */
async function sendManyActions(items: SendManyItem[], options: { transaction?: Transaction | null } = {}): Promise<Action[]> {
  const checked = items.map(({ actor, ...rest }) => check(actor, rest));
  if (checked.length === 0) return [];
  const { sequelize } = currentSettings();
  const given = options.transaction ?? undefined;
  if (hooked(sequelize, BULK_CREATE_HOOKS)) {
    const created = await Action.bulkCreate(checked.map(createValues), { transaction: given, returning: true });
    return created.map((action, i) => attach(action, items[i].actor, items[i]));
  }

  const backend = currentBackend();
  const rows = checked.map((c) => c.row);
  let ids: number[];
  if (rows.length <= backend.maxRowsPerInsert) {
    ids = await backend.session(given, 'write', (session) => session.insertActions(rows));
  } else {
    // Several INSERTs, all or nothing: in a transaction of its own, or in a savepoint of the
    // caller's, so that a failing INSERT leaves none of the others behind even when the caller goes on and commits.
    const insertAll = (transaction: Transaction) =>
      backend.session(transaction, 'write', async (session) => {
        const all: number[] = [];
        for (let start = 0; start < rows.length; start += backend.maxRowsPerInsert) {
          all.push(...(await session.insertActions(rows.slice(start, start + backend.maxRowsPerInsert))));
        }
        return all;
      });
    ids = await allOrNothing(sequelize, given, insertAll);
  }
  return checked.map((c, i) => saved(c, ids[i], items[i].actor, items[i]));
}

/** Rows one sendMany INSERT carries at most on the current backend (for tests). */
export function maxRowsPerInsert(): number {
  return currentBackend().maxRowsPerInsert;
}

// With `notify`, or with feed 'write' (feed.ts), the action(s), their notifications and their feed
// items are written all or nothing: in the given (or ambient CLS) transaction, through a savepoint,
// or in a transaction of their own. Everything is checked before the first write. A private action
// notifies only the users it is about, and enters nobody's written feed.

/** Whether the action goes into followers' written feeds (feed 'write', public). See feed.ts. */
function feeds(options: Omit<SendOptions, 'transaction'>): boolean {
  return feedWrites() && booleanValue(options.public ?? true);
}

/** `action.send`: sendAction, plus the notifications of `notify` and the written feeds. */
async function send(actor: Model, options: SendOptions): Promise<Action> {
  const recipients = options.notify == null ? null : checkRecipients(options.notify);
  const notifying = recipients !== null && hasRecipients(recipients);
  const feeding = feeds(options);
  if (!notifying && !feeding) return sendAction(actor, options);
  check(actor, options);
  return allOrNothing(Action.sequelize!, options.transaction, async (transaction) => {
    const sent = await sendAction(actor, { ...options, transaction });
    if (feeding) await fanOutToFeeds([sent], transaction);
    if (notifying) await fanOut([deliveryFor(sent, recipients)], transaction, true);
    return sent;
  });
}

/** `action.sendMany`: sendManyActions, plus the notifications of each item's `notify` and the written feeds. */
async function sendMany(items: SendManyItem[], options: { transaction?: Transaction | null } = {}): Promise<Action[]> {
  if (!Array.isArray(items)) throw new ActstreamArgumentError('sendMany expects an array of actions');
  const recipients = items.map((item) => (item.notify == null ? null : checkRecipients(item.notify)));
  const notifying = recipients.some((r) => r !== null && hasRecipients(r));
  const feeding = items.some((item) => feeds(item));
  if (!notifying && !feeding) return sendManyActions(items, options);
  items.forEach(({ actor, ...rest }) => check(actor, rest));
  return allOrNothing(Action.sequelize!, options.transaction, async (transaction) => {
    const sent = await sendManyActions(items, { transaction });
    if (feeding) await fanOutToFeeds(sent, transaction);
    const deliveries: Delivery[] = [];
    sent.forEach((saved, i) => {
      const to = recipients[i];
      if (to !== null && hasRecipients(to)) deliveries.push(deliveryFor(saved, to));
    });
    if (deliveries.length > 0) await fanOut(deliveries, transaction, true);
    return sent;
  });
}

export const action = { send, sendMany };
