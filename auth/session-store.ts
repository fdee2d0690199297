import session from 'express-session';
import { DataTypes, Op, type Model, type ModelStatic, type Sequelize } from 'sequelize';

// express-session's store for the `sessions` table (migrations/…-sessions.cjs), on whatever database
// Sequelize talks to. It has no `touch`: express-session then writes a session only when it changed,
// never on a read (sessions.ts renews a logged-in session's expiry now and then instead).

interface SessionRow extends Model {
  sid: string;
  expires: Date | null;
  data: string | null;
}

type Callback<T = void> = (error?: unknown, value?: T) => void;

const MODEL_NAME = 'ExpressSession';

function sessionModel(sequelize: Sequelize): ModelStatic<SessionRow> {
  if (sequelize.isDefined(MODEL_NAME)) return sequelize.model(MODEL_NAME) as ModelStatic<SessionRow>;
  return sequelize.define<SessionRow>(
    MODEL_NAME,
    {
      sid: { type: DataTypes.STRING(36), primaryKey: true },
      expires: { type: DataTypes.DATE, allowNull: true },
      data: { type: DataTypes.TEXT, allowNull: true },
    },
    { tableName: 'sessions', timestamps: true },
  );
}

export interface DatabaseSessionStoreOptions {
  /** How often expired rows are deleted (default 15 minutes; 0: never, the caller prunes). */
  pruneIntervalMs?: number;
  /** Lifetime of a session whose cookie has no expiry. */
  defaultMaxAgeMs?: number;
}

export class DatabaseSessionStore extends session.Store {
  private readonly rows: ModelStatic<SessionRow>;
  private readonly defaultMaxAgeMs: number;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(sequelize: Sequelize, { pruneIntervalMs = 15 * 60_000, defaultMaxAgeMs = 24 * 3600_000 }: DatabaseSessionStoreOptions = {}) {
    super();
    this.rows = sessionModel(sequelize);
    this.defaultMaxAgeMs = defaultMaxAgeMs;
    if (pruneIntervalMs > 0) {
      this.timer = setInterval(() => void this.pruneExpired().catch(() => undefined), pruneIntervalMs);
      this.timer.unref();
    }
  }

  override get(sid: string, callback: Callback<session.SessionData | null>): void {
    this.rows
      .findByPk(sid, { raw: true })
      .then((row) => {
        if (!row || row.data === null || (row.expires !== null && new Date(row.expires).getTime() <= Date.now())) return callback(null, null);
        callback(null, JSON.parse(row.data) as session.SessionData);
      })
      .catch((error: unknown) => callback(error));
  }

  override set(sid: string, data: session.SessionData, callback?: Callback): void {
    const expires = data.cookie?.expires ? new Date(data.cookie.expires) : new Date(Date.now() + this.defaultMaxAgeMs);
    this.rows
      .upsert({ sid, expires, data: JSON.stringify(data) })
      .then(() => callback?.())
      .catch((error: unknown) => callback?.(error));
  }

  override destroy(sid: string, callback?: Callback): void {
    this.rows
      .destroy({ where: { sid } })
      .then(() => callback?.())
      .catch((error: unknown) => callback?.(error));
  }

  /** Deletes expired sessions; returns how many went. */
  pruneExpired(): Promise<number> {
    return this.rows.destroy({ where: { expires: { [Op.lt]: new Date() } } });
  }

  /** Stops the pruning timer. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
