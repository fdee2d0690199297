import type { InferCreationAttributes, Model, Transaction } from 'sequelize';
import { ActstreamArgumentError } from './errors.js';
import { Action, type ActionData } from './models.js';
import { referenceOf } from './registry.js';
import { currentSettings } from './setup.js';

export interface SendOptions {
  verb: string;
  actionObject?: Model | null;
  target?: Model | null;
  description?: string | null;
  /** Private actions (false) never appear in streams. Default true. */
  public?: boolean;
  /** Default: now. */
  timestamp?: Date;
  data?: ActionData | null;
  transaction?: Transaction | null;
}

export interface SendManyItem extends Omit<SendOptions, 'transaction'> {
  actor: Model;
}

type ActionRow = Omit<InferCreationAttributes<Action>, 'id'>;

/** Checks everything and turns it into a row; throws before anything is written. */
function toRow(actor: Model, options: Omit<SendOptions, 'transaction'>): ActionRow {
  currentSettings();
  const { verb } = options;
  if (typeof verb !== 'string' || verb.trim() === '') {
    throw new ActstreamArgumentError('verb must be a non-empty string');
  }
  if (verb.length > 255) throw new ActstreamArgumentError('verb must be at most 255 characters');
  if (options.timestamp !== undefined && !(options.timestamp instanceof Date && !Number.isNaN(options.timestamp.getTime()))) {
    throw new ActstreamArgumentError('timestamp must be a valid Date');
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

/** Records `<actor> <verb> [<actionObject>] [on <target>]`; returns the saved action. */
async function send(actor: Model, options: SendOptions): Promise<Action> {
  const row = toRow(actor, options);
  const saved = await Action.create(row, { transaction: options.transaction ?? undefined });
  return attach(saved, actor, options);
}

/** Validates every item, then writes them all in one INSERT. */
async function sendMany(items: SendManyItem[], options: { transaction?: Transaction | null } = {}): Promise<Action[]> {
  if (!Array.isArray(items)) throw new ActstreamArgumentError('sendMany expects an array of actions');
  const rows = items.map(({ actor, ...rest }) => toRow(actor, rest));
  if (rows.length === 0) return [];
  const saved = await Action.bulkCreate(rows, { transaction: options.transaction ?? undefined, returning: true });
  return saved.map((action, i) => attach(action, items[i].actor, items[i]));
}

export const action = { send, sendMany };
