import type { CreateOptions, DestroyOptions, InstanceUpdateOptions, Model, Transaction } from 'sequelize';
import { action } from './actions.js';
import { currentActor, isTracking, reportTrackingFailure, toleratesTrackingFailures } from './context.js';
import { ActstreamArgumentError } from './errors.js';
import type { ActionData } from './models.js';
import type { Recipients } from './notify.js';
import { referenceOf, registeredModel, type AnyModel } from './registry.js';
import { PRIVATE_KEY } from './visibility.js';

export interface TrackOptions {
  /** Verb sent after a create, e.g. 'created'; omitted: creates are not recorded. */
  create?: string;
  /** Verb sent after an update that changed something, e.g. 'updated'. */
  update?: string;
  /** Verb sent after a destroy, e.g. 'deleted'. */
  destroy?: string;
  /**
   * Who acts when no ambient actor is set (withActor); default: the instance itself, and then the
   * verb is recorded in the passive ('created' as "was created").
   */
  actor?: (instance: Model) => Model | null | undefined | Promise<Model | null | undefined>;
  /**
   * Fields whose changes the public may see: an update records them in `data.changes`. Every other
   * recorded field is private: its changes go under `data.private.changes`, which only staff and the
   * people the action is about see (see visibility.ts). Default: none, so nothing undeclared is public.
   */
  publicFields?: string[];
  /** Fields never written to an action's data (password hashes, tokens): only named, in `data.private.redacted`. */
  exclude?: string[];
  /** Who is notified of a recorded action (written in the save's transaction); nobody when it answers null. */
  notify?: (instance: Model, recorded: RecordedAction) => Recipients | null | undefined | Promise<Recipients | null | undefined>;
}

/** What `notify` is told about the action being recorded. */
export interface RecordedAction {
  verb: string;
  actor: Model;
  /** The save's transaction: read in it to see the save's own writes. */
  transaction: Transaction | null;
}

/** One changed field, as an update records it in `data.changes`. */
export interface FieldChange {
  old: unknown;
  new: unknown;
}

const HOOK = 'actstream:track';
const BOOKKEEPING = new Set(['createdAt', 'updatedAt']);

/** "created" as said of the record itself: "was created"; a verb already in that form is kept ("was saved"). */
export function passive(verb: string): string {
  return /^was /.test(verb) ? verb : `was ${verb}`;
}

function sameObject(a: Model, b: Model): boolean {
  const x = referenceOf(a);
  const y = referenceOf(b);
  return x.type === y.type && x.id === y.id;
}

/** The changed fields with old and new values; excluded fields are named in `redacted`, never valued. */
export function changesOf(instance: Model, exclude: ReadonlySet<string>): { changes: Record<string, FieldChange>; redacted: string[] } {
  const changed = instance.changed();
  const changes: Record<string, FieldChange> = {};
  const redacted: string[] = [];
  for (const field of changed === false ? [] : changed) {
    if (BOOKKEEPING.has(field)) continue;
    if (exclude.has(field)) {
      redacted.push(field);
      continue;
    }
    const before: unknown = instance.previous(field);
    const after: unknown = instance.get(field);
    if (JSON.stringify(before) === JSON.stringify(after)) continue;
    changes[field] = { old: before ?? null, new: after ?? null };
  }
  return { changes, redacted };
}

/** What an update records, and whether the public may see that it happened. */
export interface UpdateRecord {
  data: ActionData;
  public: boolean;
}

/**
 * Splits an update's changes by who may see them: public fields' in `data.changes`, the others' in
 * `data.private.changes`, excluded fields' names in `data.private.redacted`. An update that touched no
 * public field is a private action: "Admin updated Bob" with nothing to show would still tell the
 * public that Bob's private details changed. Null when nothing worth recording changed.
 */
export function updateRecord(instance: Model, publicFields: ReadonlySet<string>, exclude: ReadonlySet<string>): UpdateRecord | null {
  const { changes, redacted } = changesOf(instance, exclude);
  const open: Record<string, FieldChange> = {};
  const hidden: Record<string, FieldChange> = {};
  for (const [field, change] of Object.entries(changes)) (publicFields.has(field) ? open : hidden)[field] = change;
  const anyPublic = Object.keys(open).length > 0;
  const anyPrivate = Object.keys(hidden).length > 0 || redacted.length > 0;
  if (!anyPublic && !anyPrivate) return null;
  const data: ActionData = { changes: open };
  if (anyPrivate) {
    data[PRIVATE_KEY] = {
      ...(Object.keys(hidden).length ? { changes: hidden } : {}),
      ...(redacted.length ? { redacted } : {}),
    };
  }
  return { data, public: anyPublic };
}

/** Throws for a field name the model does not have, or one declared both public and excluded. */
function checkFields(model: AnyModel, publicFields: ReadonlySet<string>, exclude: ReadonlySet<string>): void {
  const attributes = model.getAttributes() as Record<string, unknown>;
  for (const [option, fields] of [['publicFields', publicFields], ['exclude', exclude]] as const) {
    for (const field of fields) {
      // A misspelt name would silently record a field meant to be excluded: refuse it.
      if (!Object.hasOwn(attributes, field)) {
        throw new ActstreamArgumentError(`trackModel(${model.name}): ${option} names "${field}", which ${model.name} does not have`);
      }
      if (option === 'publicFields' && exclude.has(field)) {
        throw new ActstreamArgumentError(`trackModel(${model.name}): "${field}" is both public and excluded`);
      }
    }
  }
}

/**
 * Sequelize hooks that record creates, updates and destroys of `model` as actions, written in the
 * save's own transaction. A save made without one (no `transaction`, no `sequelize.transaction` or
 * `atomically` around it) commits on its own before its hook writes the action; if that write
 * fails, the save stays and the caller gets the error. Run such saves in `atomically(…)` to make
 * both or neither. Returns a function that removes the hooks.
 */
export function trackModel(model: AnyModel, options: TrackOptions): () => void {
  registeredModel(model);
  const exclude = new Set(options.exclude ?? []);
  const publicFields = new Set(options.publicFields ?? []);
  checkFields(model, publicFields, exclude);

  async function record(
    instance: Model,
    verb: string,
    hookOptions: CreateOptions | InstanceUpdateOptions | DestroyOptions,
    data: ActionData | null,
    isPublic = true,
  ): Promise<void> {
    try {
      const someone = currentActor() ?? (await options.actor?.(instance)) ?? undefined;
      const actor = someone ?? instance;
      // With no one acting, the record is its own actor and the verb reads as a sentence about it
      // ("Admin was created", not "Admin created"). An object acting on itself (the seed's
      // post_save case) has no action object.
      const verbAsSent = someone === undefined ? passive(verb) : verb;
      const actionObject = sameObject(actor, instance) ? null : instance;
      const transaction = hookOptions.transaction ?? null;
      const notify = (await options.notify?.(instance, { verb: verbAsSent, actor, transaction })) ?? null;
      const send = (into: Transaction | null) => action.send(actor, { verb: verbAsSent, actionObject, data, public: isPublic, notify, transaction: into });
      if (transaction && toleratesTrackingFailures()) {
        // whenTrackingFails keeps the save: a savepoint, so that a failed INSERT leaves the save's
        // transaction usable (PostgreSQL refuses every statement after a failed one).
        await model.sequelize!.transaction({ transaction }, send);
      } else {
        await send(transaction);
      }
    } catch (error) {
      if (!reportTrackingFailure(error, instance, verb)) throw error;
    }
  }

  untrack(model);
  if (options.create) {
    const verb = options.create;
    model.addHook('afterCreate', HOOK, async (instance: Model, hookOptions: CreateOptions) => {
      if (isTracking()) await record(instance, verb, hookOptions, null);
    });
  }
  if (options.update) {
    const verb = options.update;
    model.addHook('afterUpdate', HOOK, async (instance: Model, hookOptions: InstanceUpdateOptions) => {
      if (!isTracking()) return;
      const update = updateRecord(instance, publicFields, exclude);
      if (update) await record(instance, verb, hookOptions, update.data, update.public);
    });
  }
  if (options.destroy) {
    const verb = options.destroy;
    model.addHook('afterDestroy', HOOK, async (instance: Model, hookOptions: DestroyOptions) => {
      if (isTracking()) await record(instance, verb, hookOptions, null);
    });
  }
  return () => untrack(model);
}

function untrack(model: AnyModel): void {
  model.removeHook('afterCreate', HOOK);
  model.removeHook('afterUpdate', HOOK);
  model.removeHook('afterDestroy', HOOK);
}
