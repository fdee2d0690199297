import { AsyncLocalStorage } from 'node:async_hooks';
import { Sequelize, type Transaction } from 'sequelize';
import { NotSetUpError } from './errors.js';
import { Action } from './models.js';

// Sequelize finds "the current transaction" through a CLS namespace given to Sequelize.useCLS: it
// calls run(fn) around every managed transaction (sequelize.transaction(async () => …)), set() to
// keep the transaction there, and get('transaction') in every query, create, update and destroy
// that names none. With one installed, everything inside a managed transaction uses it, including
// the writes AdminJS's adapter makes and the actions trackModel hooks send for them.

type Context = Map<string, unknown>;

/** A CLS namespace for Sequelize.useCLS, on AsyncLocalStorage (cls-hooked's async_hooks are not needed). */
export class TransactionNamespace {
  private readonly storage = new AsyncLocalStorage<Context>();

  /** A child context (sees what the caller's context holds), active for `fn` and what it awaits. */
  run<T>(fn: (context: Context) => T): T {
    const context: Context = new Map(this.storage.getStore());
    return this.storage.run(context, () => fn(context));
  }

  get(key: string): unknown {
    return this.storage.getStore()?.get(key);
  }

  /** Outside any run() there is no context to keep the value in, and nothing would read it. */
  set<T>(key: string, value: T): T {
    this.storage.getStore()?.set(key, value);
    return value;
  }

  /** `fn`, bound to the context active now (useCLS requires the method). */
  bind<F extends (...args: never[]) => unknown>(fn: F): F {
    const context = this.storage.getStore();
    if (!context) return fn;
    return ((...args: Parameters<F>) => this.storage.run(context, () => fn(...args))) as F;
  }
}

interface ClsHolder {
  _cls?: { get(key: string): unknown };
}

/**
 * Installs a TransactionNamespace as Sequelize's CLS unless the app installed one already (setup
 * calls this). Sequelize keeps it on the class, so it serves every instance.
 */
export function useTransactionContext(sequelizeClass: typeof Sequelize = Sequelize): void {
  if ((sequelizeClass as unknown as ClsHolder)._cls) return;
  sequelizeClass.useCLS(new TransactionNamespace() as unknown as Parameters<typeof Sequelize.useCLS>[0]);
}

/** The transaction Sequelize itself uses when a call names none: the managed one around it, if any. */
export function ambientTransaction(): Transaction | undefined {
  const cls = (Sequelize as unknown as ClsHolder)._cls;
  return (cls?.get('transaction') as Transaction | null | undefined) ?? undefined;
}

/**
 * Runs `fn` all or nothing: in a transaction of its own, or in a savepoint of the given (or ambient)
 * one, so that a failure part-way leaves none of its writes behind even when the caller goes on and
 * commits.
 */
export function allOrNothing<T>(sequelize: Sequelize, given: Transaction | null | undefined, fn: (transaction: Transaction) => Promise<T>): Promise<T> {
  const parent = given ?? ambientTransaction();
  return sequelize.transaction(parent ? { transaction: outermost(parent) } : {}, fn);
}

/**
 * The transaction a savepoint belongs to. Sequelize names a savepoint after its parent's id (which a
 * savepoint shares with its transaction) and the parent's count of savepoints: a savepoint made
 * under a savepoint took the name of an earlier one ("…-sp-1"), and rolling back to it undid the
 * wrong part. Made under the outermost transaction every name is new; the savepoint still nests
 * (savepoints stack on the connection).
 */
function outermost(transaction: Transaction): Transaction {
  let at = transaction as Transaction & { parent?: Transaction };
  while (at.parent) at = at.parent as Transaction & { parent?: Transaction };
  return at;
}

/**
 * Runs `fn` in one transaction: every save in it, the actions trackModel records for them, and
 * every send, follow and unfollow commit together, or none does (when `fn` throws, which it should
 * when anything fails). Inside a transaction already (the caller's, or an enclosing `atomically`),
 * `fn` runs in a savepoint of it, so a failure undoes `fn`'s writes only.
 */
export function atomically<T>(fn: (transaction: Transaction) => Promise<T>): Promise<T> {
  const sequelize = Action.sequelize;
  if (!sequelize) throw new NotSetUpError();
  return allOrNothing(sequelize, undefined, fn);
}
