import type { Sequelize } from 'sequelize';
import {
  DEFAULT_SETTLE_MS,
  LogTail,
  actionsLog,
  advance,
  canSee,
  changeLog,
  encodeCursor,
  feedFollows,
  inStream,
  isUnseen,
  loadReferences,
  notificationsLog,
  readSince,
  seesPrivate,
  unreadCount,
  watchChanges,
  type Action,
  type ChangeLogRow,
  type ChangeWatcher,
  type DeletedActionFacts,
  type FeedFollows,
  type LiveCursor,
  type LiveCursorFrom,
  type LogRead,
  type NotificationLogRow,
} from 'actstream';
import type { Logger } from '../logging.js';
import { HttpError } from '../shared/errors.js';
import { actionJson, notificationJson } from '../shared/present.js';
import type { LiveClient } from './sse-client.js';

export interface LiveLimits {
  /** Open streams per user (or per anonymous address). */
  perUser: number;
  /** Open streams in this process. */
  perProcess: number;
  /** Bytes a client may have waiting before it is dropped. */
  maxBuffer: number;
  /** A resume reads at most this many actions of the log; further behind, the client starts afresh (`reset`). */
  maxReplay: number;
}

export interface LiveHubOptions {
  sequelize: Sequelize;
  logger?: Logger;
  limits?: Partial<LiveLimits>;
  /** `: ping` comments, and the check that each stream's session or token still holds, this often. */
  pingMs?: number;
  /** How long an uncommitted id below the high mark is waited for (see live-position.ts). */
  settleMs?: number;
  /** A read of the log this often even without a signal: a safety net, never the way events arrive. */
  sweepMs?: number;
  /** The polling watchers' interval (SQLite data_version, MariaDB). */
  pollMs?: number;
}

/** Actions one live read takes at most: a burst goes out in batches, and a client holds at most one beyond maxBuffer. */
const LIVE_BATCH = 100;

export const DEFAULT_LIMITS: LiveLimits = { perUser: 8, perProcess: 5000, maxBuffer: 512 * 1024, maxReplay: 10_000 };

/** The user a client's notifications stream is for, if it has one. */
function notificationsOf(client: LiveClient): LiveClient['user'] {
  const stream = client.streams.find((s) => s.kind === 'notifications');
  return stream && client.user ? client.user : null;
}

type Tails = { actions: LogTail<Action>; notifications: LogTail<NotificationLogRow>; changes: LogTail<ChangeLogRow> };

/**
 * The process's live streams: one reader of each log for all of them (the actions, the
 * notifications, the change log: deletions and read-state changes), woken by the database's
 * change signal (actstream/sql/changes), that hands each new row to the clients whose streams it
 * belongs to, as the JSON API shows it to them. Reads and attaching clients run one at a time, so
 * a client that resumes gets the logs up to the reader's position, then every read after.
 */
export class LiveHub {
  readonly limits: LiveLimits;
  private readonly tails: Tails;
  private readonly clients = new Set<LiveClient>();
  private readonly perOwner = new Map<string, number>();
  private serial: Promise<unknown> = Promise.resolve();
  private started?: Promise<void>;
  private watcher?: ChangeWatcher;
  private timers: NodeJS.Timeout[] = [];
  private reading = false;
  private again = false;
  private closing = false;

  constructor(private readonly options: LiveHubOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    const settle = options.settleMs ?? DEFAULT_SETTLE_MS;
    this.tails = { actions: new LogTail(actionsLog, settle), notifications: new LogTail(notificationsLog, settle), changes: new LogTail(changeLog, settle) };
  }

  get size(): number {
    return this.clients.size;
  }

  /** Refuses a new stream past the caps (429), before anything is sent. */
  admit(owner: string): void {
    if (this.closing) throw new HttpError(503, 'shutting_down', 'The server is shutting down; reconnect shortly');
    if (this.clients.size >= this.limits.perProcess) throw new HttpError(429, 'too_many_streams', 'This server holds as many live streams as it can; retry later');
    if ((this.perOwner.get(owner) ?? 0) >= this.limits.perUser) {
      throw new HttpError(429, 'too_many_streams', `At most ${this.limits.perUser} live streams at once per user; close one first`);
    }
  }

  /**
   * Starts the client from `from` (its Last-Event-ID: first what it missed, in order: actions,
   * notifications, deletions) or from now, then hands it every later event. A notifications
   * stream then gets the user's unread count.
   */
  async attach(client: LiveClient, from: LiveCursorFrom | undefined, open: () => void): Promise<void> {
    await this.start();
    this.perOwner.set(client.owner, (this.perOwner.get(client.owner) ?? 0) + 1);
    client.whenClosed(() => {
      this.clients.delete(client);
      const count = (this.perOwner.get(client.owner) ?? 1) - 1;
      if (count > 0) this.perOwner.set(client.owner, count);
      else this.perOwner.delete(client.owner);
    });
    await this.inTurn(async () => {
      const now = this.position();
      client.position = now;
      // The headers go out once the starting point is fixed: a client that sees them is live from here.
      open();
      if (from) await this.replay(client, from, now);
      if (notificationsOf(client)) await this.sendUnreadCounts([client], new Set([String(client.user!.id)]), true);
      if (!client.closed) this.clients.add(client);
    });
  }

  /** The logs' position now, as an event id: a page rendered after this resumes from it. */
  async cursor(): Promise<string> {
    await this.start();
    return encodeCursor(this.position());
  }

  /** A stream that could not start (logged; the client was told to reconnect). */
  failed(error: unknown): void {
    this.options.logger?.error({ err: error }, 'live streams: a stream could not start');
  }

  /** Reads the logs now (the change signal calls this; reads already under way read once more). */
  wake(): void {
    if (this.closing) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    void this.inTurn(async () => {
      try {
        do {
          this.again = false;
          const actions = await this.tails.actions.read(LIVE_BATCH);
          if (actions.rows.length || actions.read.after.gaps.length) await this.deliverActions([...this.clients], actions.rows, actions.read);
          const notifications = await this.tails.notifications.read(LIVE_BATCH);
          if (notifications.rows.length || notifications.read.after.gaps.length) {
            await this.deliverNotifications([...this.clients], notifications.rows, notifications.read);
          }
          const changes = await this.tails.changes.read(LIVE_BATCH);
          if (changes.rows.length || changes.read.after.gaps.length) await this.deliverChanges([...this.clients], changes.rows, changes.read);
          if (actions.more || notifications.more || changes.more) {
            this.again = true;
            // Let sockets drain between batches of a burst.
            await new Promise((resolve) => setImmediate(resolve));
          }
        } while (this.again && !this.closing);
      } catch (error) {
        this.options.logger?.error({ err: error }, 'live streams: reading the logs failed; retrying at the next signal');
      } finally {
        this.reading = false;
      }
    });
  }

  /** Ends every stream with a `shutdown` event and stops listening (graceful stop). */
  async close(): Promise<void> {
    this.closing = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const client of [...this.clients]) client.end('shutdown', { reason: 'server stopping' });
    await this.serial.catch(() => undefined);
    await this.watcher?.close();
  }

  private position(): LiveCursor {
    return { actions: this.tails.actions.position(), notifications: this.tails.notifications.position(), changes: this.tails.changes.position() };
  }

  /** What the client missed since `from`, up to `now`, log by log; too much of it: `reset` to now. */
  private async replay(client: LiveClient, from: LiveCursorFrom, now: LiveCursor): Promise<void> {
    const { maxReplay } = this.limits;
    const tooFar = () => client.event('reset', JSON.stringify({ reason: 'too far behind' }), encodeCursor(now));
    // A part the cursor did not name (an id of an earlier version) starts from now.
    client.position = { actions: from.actions, notifications: from.notifications ?? now.notifications, changes: from.changes ?? now.changes };
    const actions = await readSince(from.actions, now.actions, maxReplay, actionsLog);
    if (!actions.complete) {
      client.position = now;
      tooFar();
      return;
    }
    await this.deliverActions([client], actions.rows, actions.read);
    if (from.notifications && notificationsOf(client)) {
      const missed = await readSince(from.notifications, now.notifications, maxReplay, notificationsLog);
      if (!missed.complete) {
        client.position = now;
        tooFar();
        return;
      }
      await this.deliverNotifications([client], missed.rows, missed.read, false);
    }
    client.position = { ...client.position, notifications: now.notifications };
    if (from.changes) {
      const missed = await readSince(from.changes, now.changes, maxReplay, changeLog);
      if (!missed.complete) {
        client.position = now;
        tooFar();
        return;
      }
      await this.deliverChanges([client], missed.rows, missed.read, false);
    }
    client.position = now;
  }

  private start(): Promise<void> {
    this.started ??= (async () => {
      const { sequelize, logger } = this.options;
      await Promise.all([this.tails.actions.start(), this.tails.notifications.start(), this.tails.changes.start()]);
      this.watcher = await watchChanges(sequelize, {
        onChange: () => this.wake(),
        onError: (error) => logger?.warn({ err: error }, 'live streams: change signal lost; reconnecting'),
        pollMs: this.options.pollMs,
      });
      logger?.info({ signal: this.watcher.kind }, 'live streams: listening for changes');
      const ping = setInterval(() => this.pingAll(), this.options.pingMs ?? 15_000);
      const sweep = setInterval(() => this.wake(), this.options.sweepMs ?? 5_000);
      ping.unref();
      sweep.unref();
      this.timers.push(ping, sweep);
    })();
    this.started.catch(() => (this.started = undefined));
    return this.started;
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = this.serial.then(work, work);
    this.serial = run.catch(() => undefined);
    return run;
  }

  private pingAll(): void {
    for (const client of this.clients) {
      client.ping();
      client.authorised?.().then(
        (ok) => {
          if (!ok) client.end('auth-expired', { reason: 'the session ended or the token was revoked' });
        },
        (error: unknown) => this.options.logger?.warn({ err: error }, 'live streams: checking a session failed'),
      );
    }
  }

  /**
   * Hands `actions` (one read, in id order) to each client whose streams they belong to and who has
   * not seen them; each event's id is the client's position right after it.
   */
  private async deliverActions(clients: LiveClient[], actions: Action[], read: LogRead): Promise<void> {
    const listening = clients.filter((client) => !client.closed);
    if (listening.length && actions.length) {
      const follows = await this.followsFor(listening, actions);
      let loaded = false;
      const views = new Map<string, string>();
      for (const client of listening) {
        if (!client.keepingUp()) continue;
        const events: [string, string][] = [];
        for (const action of actions) {
          if (!isUnseen(client.position.actions, action.id)) continue;
          const viewer = this.viewerOf(client, action, follows);
          if (viewer === undefined) continue;
          if (!loaded) {
            await loadReferences(actions);
            loaded = true;
          }
          const key = `${action.id}|${client.base}|${viewer ? viewer.id : ''}`;
          let json = views.get(key);
          if (json === undefined) views.set(key, (json = JSON.stringify(actionJson(client.base, action, viewer))));
          events.push([json, encodeCursor({ ...client.position, actions: advance(client.position.actions, read, action.id) })]);
        }
        if (events.length) client.batch(() => events.forEach(([json, id]) => client.event('action', json, id)));
      }
    }
    for (const client of listening) client.position = { ...client.position, actions: advance(client.position.actions, read) };
  }

  /**
   * Hands each client with a notifications stream its user's new notifications (one read, in id
   * order) as the notifications API shows them, then the user's unread count (live only: a resume
   * ends with the count anyway).
   */
  private async deliverNotifications(clients: LiveClient[], rows: NotificationLogRow[], read: LogRead, counts = true): Promise<void> {
    const listening = clients.filter((client) => !client.closed && notificationsOf(client));
    const changed = new Set<string>();
    if (listening.length && rows.length) {
      let loaded = false;
      for (const client of listening) {
        if (!client.keepingUp()) continue;
        const user = client.user!;
        const userId = String(user.id);
        const events: [string, string][] = [];
        for (const row of rows) {
          if (row.userId !== userId || !isUnseen(client.position.notifications, row.id)) continue;
          // The notifications API's rules: the action still exists, and a private one is about the user.
          if (!row.item || !canSee(row.item.action, user)) continue;
          if (!loaded) {
            await loadReferences(rows.flatMap((r) => (r.item ? [r.item.action] : [])));
            loaded = true;
          }
          const json = JSON.stringify(notificationJson(client.base, row.item, user));
          events.push([json, encodeCursor({ ...client.position, notifications: advance(client.position.notifications, read, row.id) })]);
        }
        if (events.length) {
          changed.add(userId);
          client.batch(() => events.forEach(([json, id]) => client.event('notification', json, id)));
        }
      }
    }
    for (const client of listening) client.position = { ...client.position, notifications: advance(client.position.notifications, read) };
    if (counts && changed.size) await this.sendUnreadCounts(listening, changed);
  }

  /**
   * Hands out the change log's rows (one read, in id order): `action.deleted` to each client with a
   * stream that could have shown the action (matched as a live action is, on the references kept
   * with it), or whose user had a notification of it; then the unread counts that may have moved.
   */
  private async deliverChanges(clients: LiveClient[], rows: ChangeLogRow[], read: LogRead, counts = true): Promise<void> {
    const listening = clients.filter((client) => !client.closed);
    const recount = new Set<string>();
    if (listening.length && rows.length) {
      const deleted = rows.flatMap((row) => (row.kind === 'action.deleted' ? [row.action] : []));
      const follows = deleted.length ? await this.followsFor(listening, deleted) : undefined;
      for (const client of listening) {
        if (!client.keepingUp()) continue;
        const mine = notificationsOf(client) ? String(client.user!.id) : undefined;
        const sent = new Set<number>();
        const events: [string, string][] = [];
        for (const row of rows) {
          if (!isUnseen(client.position.changes, row.id)) continue;
          let actionId: number | undefined;
          let json: string | undefined;
          if (row.kind === 'action.deleted' && this.couldHaveShown(client, row.action, follows!)) {
            actionId = row.action.id;
            json = JSON.stringify({ id: actionId });
          } else if (row.kind === 'notification.deleted' && row.userId === mine) {
            recount.add(mine);
            actionId = row.actionId;
            json = JSON.stringify({ id: actionId, notificationId: row.notificationId });
          } else if (row.kind === 'notifications.read' && row.userId === mine) {
            recount.add(mine);
          }
          if (json === undefined || actionId === undefined || sent.has(actionId)) continue;
          sent.add(actionId);
          events.push([json, encodeCursor({ ...client.position, changes: advance(client.position.changes, read, row.id) })]);
        }
        if (events.length) client.batch(() => events.forEach(([data, id]) => client.event('action.deleted', data, id)));
      }
    }
    for (const client of listening) client.position = { ...client.position, changes: advance(client.position.changes, read) };
    if (counts && recount.size) await this.sendUnreadCounts(listening, recount);
  }

  /**
   * Sends `unread-count` to the notifications streams of these users whose count differs from the
   * one they were last sent (or always, `force`, when a stream starts), counted once per user.
   */
  private async sendUnreadCounts(clients: LiveClient[], userIds: ReadonlySet<string>, force = false): Promise<void> {
    const counts = new Map<string, string>();
    for (const client of clients) {
      const user = notificationsOf(client);
      if (!user || client.closed || !userIds.has(String(user.id))) continue;
      const key = String(user.id);
      let json = counts.get(key);
      if (json === undefined) counts.set(key, (json = JSON.stringify(await unreadCount(user))));
      if (!force && json === client.unreadSent) continue;
      client.unreadSent = json;
      client.event('unread-count', json, encodeCursor(client.position));
    }
  }

  /** The follows of the clients' feed users that matter for these actions. */
  private followsFor(clients: LiveClient[], actions: readonly DeletedActionFacts[] | readonly Action[]): Promise<FeedFollows> {
    const feedUsers = new Set<string>();
    for (const client of clients) if (client.user && client.streams.some((s) => s.kind === 'feed')) feedUsers.add(String(client.user.id));
    return feedFollows([...feedUsers], actions);
  }

  /** Whether one of the client's streams would have had this (now deleted) action. */
  private couldHaveShown(client: LiveClient, action: DeletedActionFacts, follows: FeedFollows): boolean {
    return client.streams.some((stream) => inStream(stream, action, follows));
  }

  /**
   * Whom the client sees the action as: undefined when it is in none of its streams; the user when
   * it is in their feed and about them (their private details); else the public (null).
   */
  private viewerOf(client: LiveClient, action: Action, follows: FeedFollows): LiveClient['user'] | undefined {
    let found: LiveClient['user'] | undefined;
    for (const stream of client.streams) {
      if (!inStream(stream, action, follows)) continue;
      if (stream.kind === 'feed' && client.user && seesPrivate(action, client.user)) return client.user;
      found = null;
    }
    return found;
  }
}

const hubs = new WeakMap<object, LiveHub>();

/** The hub serving an app's live streams (for the graceful stop). */
export function liveHubOf(app: object): LiveHub | undefined {
  return hubs.get(app);
}

export function registerLiveHub(app: object, hub: LiveHub): void {
  hubs.set(app, hub);
}
