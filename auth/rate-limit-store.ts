import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import { DataTypes, Op, UniqueConstraintError, type Model, type ModelStatic, type Sequelize } from 'sequelize';

// express-rate-limit's counters in the database (the `rate_limits` table,
// migrations/…-rate-limits.cjs), so every process serving the app, on one machine or several, counts
// against the same limit. Each hit is one atomic UPDATE of the client's row (plus a read of the new
// count where the database cannot return it), so concurrent processes never lose a hit.

interface CounterRow extends Model {
  key: string;
  hits: number;
  resetAt: Date;
}

const MODEL_NAME = 'RateLimitCounter';

function counterModel(sequelize: Sequelize): ModelStatic<CounterRow> {
  if (sequelize.isDefined(MODEL_NAME)) return sequelize.model(MODEL_NAME) as ModelStatic<CounterRow>;
  return sequelize.define<CounterRow>(
    MODEL_NAME,
    {
      key: { type: DataTypes.STRING(255), primaryKey: true },
      hits: { type: DataTypes.INTEGER, allowNull: false },
      resetAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { tableName: 'rate_limits', timestamps: false },
  );
}

/** How many times a hit may race another process's first hit or window reset before giving up. */
const ATTEMPTS = 5;

export class DatabaseRateLimitStore implements Store {
  /** Counters live in the database: what one process counts, every other sees. */
  readonly localKeys = false;
  readonly prefix: string;
  private readonly rows: ModelStatic<CounterRow>;
  /** Whether an UPDATE can hand back the rows it changed (Sequelize's RETURNING support). */
  private readonly returnsRows: boolean;
  private windowMs = 60_000;

  constructor(sequelize: Sequelize, prefix: string) {
    this.rows = counterModel(sequelize);
    this.prefix = prefix;
    this.returnsRows = Boolean((sequelize as unknown as { dialect: { supports: { returnValues?: unknown } } }).dialect.supports.returnValues);
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const row = await this.rows.findByPk(this.prefix + key, { raw: true });
    if (!row || new Date(row.resetAt).getTime() <= Date.now()) return undefined;
    return { totalHits: row.hits, resetTime: new Date(row.resetAt) };
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const id = this.prefix + key;
    const hits = this.rows.sequelize!.literal(`${this.rows.sequelize!.getQueryInterface().quoteIdentifier('hits')} + 1`);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const now = new Date();
      // The usual case: a window is open. Where the UPDATE can return the new count (RETURNING) it
      // does; elsewhere it is read after, possibly with other processes' later hits counted too.
      const [counted, returned] = (await this.rows.update({ hits } as unknown as Partial<CounterRow>, {
        where: { key: id, resetAt: { [Op.gt]: now } },
        returning: this.returnsRows,
      })) as unknown as [number, CounterRow[] | undefined];
      if (counted === 1) {
        const row = returned?.[0] ?? (await this.rows.findByPk(id, { raw: true }));
        if (row) return { totalHits: row.hits, resetTime: new Date(row.resetAt) };
      }
      // The window ended: whoever resets it first starts the next one with this hit.
      const resetTime = new Date(now.getTime() + this.windowMs);
      const [reset] = await this.rows.update({ hits: 1, resetAt: resetTime }, { where: { key: id, resetAt: { [Op.lte]: now } } });
      if (reset === 1) return { totalHits: 1, resetTime };
      // No row yet: the first hit creates it (another process may just have done so: count again).
      try {
        await this.rows.create({ key: id, hits: 1, resetAt: resetTime });
        return { totalHits: 1, resetTime };
      } catch (error) {
        if (!(error instanceof UniqueConstraintError)) throw error;
      }
    }
    throw new Error(`rate limit counter ${id} kept changing under this process`);
  }

  async decrement(key: string): Promise<void> {
    const hits = this.rows.sequelize!.literal(`${this.rows.sequelize!.getQueryInterface().quoteIdentifier('hits')} - 1`);
    await this.rows.update({ hits } as unknown as Partial<CounterRow>, { where: { key: this.prefix + key, hits: { [Op.gt]: 0 } } });
  }

  async resetKey(key: string): Promise<void> {
    await this.rows.destroy({ where: { key: this.prefix + key } });
  }

  /** Deletes counters whose window ended (they would be reset on their next hit anyway). */
  async pruneExpired(): Promise<number> {
    return this.rows.destroy({ where: { resetAt: { [Op.lte]: new Date() } } });
  }
}
