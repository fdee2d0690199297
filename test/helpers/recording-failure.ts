import { Action } from 'actstream';
import { database } from './database.js';

// Two ways to make writing an action fail, for the "both or neither" tests: a Sequelize hook that
// throws before the INSERT (the library's slow path), and the database refusing the INSERT itself
// (its table moved away), which on PostgreSQL also aborts the transaction it runs in.

export type FailureKind = 'hook' | 'database';
export const FAILURE_KINDS: FailureKind[] = ['hook', 'database'];

const HOOK = 'test:recording-fails';
const TABLE = 'actstream_actions';
const AWAY = 'actstream_actions_away';
let moved = false;

/** From now on, writing an action fails (only actions with `verb`, for the hook kind, when given). */
export async function breakRecording(kind: FailureKind, verb?: string): Promise<void> {
  if (kind === 'hook') {
    Action.addHook('beforeCreate', HOOK, (instance: Action) => {
      if (verb === undefined || instance.verb === verb) throw new Error('recording failed (test)');
    });
    return;
  }
  if (verb !== undefined) throw new Error('the database kind breaks every action');
  await (await database()).getQueryInterface().renameTable(TABLE, AWAY);
  moved = true;
}

/** Undoes breakRecording (safe to call when nothing is broken). */
export async function repairRecording(): Promise<void> {
  Action.removeHook('beforeCreate', HOOK);
  if (moved) {
    await (await database()).getQueryInterface().renameTable(AWAY, TABLE);
    moved = false;
  }
}
