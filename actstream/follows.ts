import { Op, UniqueConstraintError, type Model, type Transaction, type WhereOptions } from 'sequelize';
import { action } from './actions.js';
import { ActstreamArgumentError } from './errors.js';
import { Follow } from './models.js';
import type { Recipients } from './notify.js';
import { loadObjects } from './references.js';
import { referenceOf, registeredModel, type AnyModel, type Reference } from './registry.js';
import { currentSettings } from './setup.js';

export interface FollowOptions {
  /** Follow only what the object does as actor (default), or also what is done to it. */
  actorOnly?: boolean;
  /** A kind of following ("liking", "watching"); '' is plain following. */
  flag?: string;
  /** Send "started following" / "started <flag>" when the follow is new (default true). */
  sendAction?: boolean;
  /** Who is notified of the "started following" action (e.g. `[obj]` when a user is followed). */
  notify?: Recipients | null;
  transaction?: Transaction | null;
}

export interface UnfollowOptions {
  /** Remove only this flag's follow; default: every flag. */
  flag?: string;
  /** Send "stopped following" / "stopped <flag>" (default false). */
  sendAction?: boolean;
  transaction?: Transaction | null;
}

export interface FlagOption {
  /** Only follows with this flag; default: any flag. */
  flag?: string;
  transaction?: Transaction | null;
}

export interface FollowingOptions extends FlagOption {
  /** Only objects of these models. */
  models?: AnyModel[];
}

function follower(user: Model): Reference {
  const { userModel } = currentSettings();
  if (!(user instanceof userModel)) {
    throw new ActstreamArgumentError(`followers must be ${userModel.name} instances`);
  }
  return referenceOf(user);
}

function checkFlag(flag: string | undefined): string | undefined {
  if (flag !== undefined && (typeof flag !== 'string' || flag.length > 100)) {
    throw new ActstreamArgumentError('flag must be a string of at most 100 characters');
  }
  return flag;
}

function flagWhere(flag: string | undefined): WhereOptions<Follow> {
  return checkFlag(flag) === undefined ? {} : { flag };
}

/** `user` follows `obj`; following again makes no duplicate (it updates actorOnly). */
export async function follow(user: Model, obj: Model, options: FollowOptions = {}): Promise<Follow> {
  const me = follower(user);
  const it = referenceOf(obj);
  const flag = checkFlag(options.flag) ?? '';
  const actorOnly = options.actorOnly ?? true;
  const transaction = options.transaction ?? undefined;
  const key = { userId: me.id, contentType: it.type, objectId: it.id, flag };

  let existing = await Follow.findOne({ where: key, transaction });
  if (!existing) {
    try {
      const created = await Follow.create({ ...key, actorOnly, started: new Date() }, { transaction });
      if (options.sendAction ?? true) {
        await action.send(user, { verb: flag ? `started ${flag}` : 'started following', target: obj, notify: options.notify, transaction });
      }
      return created;
    } catch (error) {
      // Someone else created the same follow meanwhile: theirs stands.
      if (!(error instanceof UniqueConstraintError)) throw error;
      existing = await Follow.findOne({ where: key, transaction });
      if (!existing) throw error;
    }
  }
  if (existing.actorOnly !== actorOnly) await existing.update({ actorOnly }, { transaction });
  return existing;
}

/** `user` stops following `obj` (under `flag`, or under every flag); returns how many follows went. */
export async function unfollow(user: Model, obj: Model, options: UnfollowOptions = {}): Promise<number> {
  const me = follower(user);
  const it = referenceOf(obj);
  const transaction = options.transaction ?? undefined;
  const removed = await Follow.destroy({
    where: { userId: me.id, contentType: it.type, objectId: it.id, ...flagWhere(options.flag) },
    transaction,
  });
  if (removed > 0 && options.sendAction) {
    const verb = options.flag ? `stopped ${options.flag}` : 'stopped following';
    await action.send(user, { verb, target: obj, transaction });
  }
  return removed;
}

export async function isFollowing(user: Model, obj: Model, options: FlagOption = {}): Promise<boolean> {
  const me = follower(user);
  const it = referenceOf(obj);
  const found = await Follow.findOne({
    attributes: ['id'],
    where: { userId: me.id, contentType: it.type, objectId: it.id, ...flagWhere(options.flag) },
    transaction: options.transaction ?? undefined,
  });
  return found !== null;
}

/** The users following `obj`, each once, earliest follower first. */
export async function followers(obj: Model, options: FlagOption = {}): Promise<Model[]> {
  const { userModel } = currentSettings();
  const it = referenceOf(obj);
  const transaction = options.transaction ?? undefined;
  const follows = await Follow.findAll({
    attributes: ['userId'],
    where: { contentType: it.type, objectId: it.id, ...flagWhere(options.flag) },
    order: [['started', 'ASC'], ['id', 'ASC']],
    transaction,
  });
  const ids = [...new Set(follows.map((f) => f.userId))];
  if (ids.length === 0) return [];
  const pk = userModel.primaryKeyAttribute;
  const users = await userModel.findAll({ where: { [pk]: { [Op.in]: ids } }, transaction });
  const byId = new Map(users.map((u) => [String(u.get(pk)), u]));
  return ids.map((id) => byId.get(id)).filter((u): u is Model => u !== undefined);
}

/** What `user` follows, each object once, earliest follow first; deleted objects are left out. */
export async function following(user: Model, options: FollowingOptions = {}): Promise<Model[]> {
  const me = follower(user);
  const types = options.models?.map((model) => registeredModel(model).name);
  const follows = await Follow.findAll({
    attributes: ['contentType', 'objectId'],
    where: {
      userId: me.id,
      ...flagWhere(options.flag),
      ...(types ? { contentType: { [Op.in]: types } } : {}),
    },
    order: [['started', 'ASC'], ['id', 'ASC']],
    transaction: options.transaction ?? undefined,
  });
  const seen = new Set<string>();
  const references: Reference[] = [];
  for (const f of follows) {
    const key = `${f.contentType}\0${f.objectId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    references.push({ type: f.contentType, id: f.objectId });
  }
  const loaded = await loadObjects(references, options.transaction ?? undefined);
  return references.map((r) => loaded.get(`${r.type}\0${r.id}`)).filter((o): o is Model => o !== undefined);
}
