import { Sequelize, type Transaction } from 'sequelize';

/** The transaction Sequelize itself would use when none is given: the CLS one, with `Sequelize.useCLS`. */
export function ambientTransaction(): Transaction | undefined {
  const cls = (Sequelize as unknown as { _cls?: { get(key: string): unknown } })._cls;
  return (cls?.get('transaction') as Transaction | undefined) ?? undefined;
}

/**
 * Runs `fn` all or nothing: in a transaction of its own, or in a savepoint of the given (or ambient)
 * one, so that a failure part-way leaves none of its writes behind even when the caller goes on and
 * commits.
 */
export function allOrNothing<T>(sequelize: Sequelize, given: Transaction | null | undefined, fn: (transaction: Transaction) => Promise<T>): Promise<T> {
  const parent = given ?? ambientTransaction();
  return sequelize.transaction(parent ? { transaction: parent } : {}, fn);
}
