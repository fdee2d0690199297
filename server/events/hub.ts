import type { Sequelize } from 'sequelize';
import {
  ActionLogTail,
  DEFAULT_SETTLE_MS,
  advance,
  encodePosition,
  feedFollows,
  inStream,
  isUnseen,
  loadReferences,
  readSince,
  seesPrivate,
  watchChanges,
  type Action,
  type ChangeWatcher,
  type FeedFollows,
  type LogPosition,
  type LogRead,
} from '../../actstream/index.js';
import type { Logger } from '../logging.js';
import { HttpError } from '../shared/errors.js';
import { actionJson } from '../shared/present.js';
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

/**
 * The process's live streams: one reader of the actions log for all of them, woken by the
 * database's change signal (actstream/sql/changes), that hands each new action to the clients whose
 * streams it belongs to, as the JSON API shows it to them. Reads and attaching clients run one at a
 * time, so a client that resumes gets the log up to the reader's position, then every read after.
 */
export class LiveHub {
  readonly limits: LiveLimits;
  private readonly tail: ActionLogTail;
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
    this.tail = new ActionLogTail(options.settleMs ?? DEFAULT_SETTLE_MS);
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
   * Starts the client from `from` (its Last-Event-ID: first what it missed, in order) or from now,
   * then hands it every later action.
   */
  async attach(client: LiveClient, from: LogPosition | undefined, open: () => void): Promise<void> {
    await this.start();
    this.perOwner.set(client.owner, (this.perOwner.get(client.owner) ?? 0) + 1);
    client.whenClosed(() => {
      this.clients.delete(client);
      const count = (this.perOwner.get(client.owner) ?? 1) - 1;
      if (count > 0) this.perOwner.set(client.owner, count);
      else this.perOwner.delete(client.owner);
    });
    await this.inTurn(async () => {
      const now = this.tail.position();
      client.position = now;
      // The headers go out once the starting point is fixed: a client that sees them is live from here.
      open();
      if (from) {
        const missed = await readSince(from, now, this.limits.maxReplay);
        if (!missed.complete) {
          // Too far behind to replay: start afresh, and say so (the page reloads its list).
          client.event('reset', JSON.stringify({ reason: 'too far behind' }), encodePosition(now));
        } else {
          client.position = from;
          await this.deliver([client], missed.actions, missed.read);
        }
      }
      if (!client.closed) this.clients.add(client);
    });
  }

  /** The log position now, as an event id: a page rendered after this resumes from it. */
  async cursor(): Promise<string> {
    await this.start();
    return encodePosition(this.tail.position());
  }

  /** A stream that could not start (logged; the client was told to reconnect). */
  failed(error: unknown): void {
    this.options.logger?.error({ err: error }, 'live streams: a stream could not start');
  }

  /** Reads the log now (the change signal calls this; reads already under way read once more). */
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
          const { actions, read, more } = await this.tail.read(LIVE_BATCH);
          if (actions.length || read.after.gaps.length) await this.deliver([...this.clients], actions, read);
          if (more) {
            this.again = true;
            // Let sockets drain between batches of a burst.
            await new Promise((resolve) => setImmediate(resolve));
          }
        } while (this.again && !this.closing);
      } catch (error) {
        this.options.logger?.error({ err: error }, 'live streams: reading the actions log failed; retrying at the next signal');
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

  private start(): Promise<void> {
    this.started ??= (async () => {
      const { sequelize, logger } = this.options;
      await this.tail.start();
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
  private async deliver(clients: LiveClient[], actions: Action[], read: LogRead): Promise<void> {
    const listening = clients.filter((client) => !client.closed);
    if (listening.length && actions.length) {
      const feedUsers = new Set<string>();
      for (const client of listening) if (client.user && client.streams.some((s) => s.kind === 'feed')) feedUsers.add(String(client.user.id));
      const follows = await feedFollows([...feedUsers], actions);
      let loaded = false;
      const views = new Map<string, string>();
      for (const client of listening) {
        if (!client.keepingUp()) continue;
        const events: [string, string][] = [];
        for (const action of actions) {
          if (!isUnseen(client.position, action.id)) continue;
          const viewer = this.viewerOf(client, action, follows);
          if (viewer === undefined) continue;
          if (!loaded) {
            await loadReferences(actions);
            loaded = true;
          }
          const key = `${action.id}|${client.base}|${viewer ? viewer.id : ''}`;
          let json = views.get(key);
          if (json === undefined) views.set(key, (json = JSON.stringify(actionJson(client.base, action, viewer))));
          events.push([json, encodePosition(advance(client.position, read, action.id))]);
        }
        if (events.length) client.batch(() => events.forEach(([json, id]) => client.event('action', json, id)));
      }
    }
    for (const client of listening) client.position = advance(client.position, read);
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
