import { request as httpRequest } from 'node:http';
import type { LoadClient, LoadWorld } from './seed.js';

export type Operation = 'action' | 'read' | 'follow' | 'unfollow' | 'admin-create' | 'admin-edit';

/** One request and what the client learnt from it. */
export interface Attempt {
  op: Operation;
  client: number;
  /** HTTP status, or 0 when no response came (connection refused or reset, timeout). */
  status: number;
  ok: boolean;
  /** A failure the client was told about: a 4xx, or a 503 with a message (and Retry-After). */
  told: boolean;
  retryAfter: string | null;
  message: string | null;
  ms: number;
  /** Milliseconds since the load started. */
  at: number;
}

/** What acknowledged (and refused) writes promise to find in the database afterwards. */
export interface Expectations {
  /** Unique verb -> the action id the API acknowledged (null: the request failed). */
  actions: Map<string, { userId: number; id: number | null }>;
  /** "userId|groupId" -> whether the user follows the group after its last request (null: unknown). */
  follows: Map<string, boolean | null>;
  /** Group id created through the admin -> acknowledged and attempted edits, and the name it should have. */
  adminGroups: Map<number, { ackedEdits: number; attemptedEdits: number; name: string | null }>;
  /** Names of admin creates that failed (they must not exist, unless the failure was a lost answer). */
  failedAdminCreates: string[];
}

export interface LoadOptions {
  baseUrl: string;
  world: LoadWorld;
  seconds: number;
  maxRequests: number;
  /** Per request. */
  timeoutMs?: number;
  /** Called with each attempt (the fault test watches the outage with it). */
  onAttempt?: (attempt: Attempt) => void;
}

export interface LoadRun {
  attempts: Attempt[];
  expectations: Expectations;
  elapsedMs: number;
}

const STACK_TRACE = /\n\s+at .+\(.+:\d+:\d+\)|\bat [\w.<>]+ \(\/|node_modules\//;

class CookieJar {
  private cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';', 1) as [string];
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

interface Sent {
  res: Answer | null;
  body: unknown;
  text: string;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

interface Call {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * One request on a fresh connection (no keep-alive): a reused connection that the server closes
 * just as the next request is sent looks like a dropped request, and this test must be able to
 * tell a dropped request from a race of the client's own making.
 */
function call(url: string, { method = 'GET', headers = {}, body }: Call, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const req = httpRequest(url, { method, headers: { ...headers, ...length, connection: 'close' }, agent: false, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.once('error', reject);
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', reject);
    req.end(body);
  });
}

/** Runs the clients until the time or request budget is spent; never throws for a failed request. */
export async function runLoad({ baseUrl, world, seconds, maxRequests, timeoutMs = 30_000, onAttempt }: LoadOptions): Promise<LoadRun> {
  // Logins happen first, one at a time (they are set-up, not load: all clients share one address,
  // and a burst of concurrent logins is exactly what the login rate limit refuses).
  const sessions = new Map<number, { jar: CookieJar; csrf: string }>();
  for (const client of world.clients) {
    if (client.kind === 'session') sessions.set(client.index, await apiLogin(baseUrl, client.email, world.password));
    if (client.kind === 'admin') sessions.set(client.index, await adminLogin(baseUrl, world.staff.email, world.password));
  }
  const started = Date.now();
  const deadline = started + seconds * 1000;
  const attempts: Attempt[] = [];
  const expectations: Expectations = { actions: new Map(), follows: new Map(), adminGroups: new Map(), failedAdminCreates: [] };
  let budget = maxRequests;
  const going = () => Date.now() < deadline && budget > 0;

  async function send(client: LoadClient, op: Operation, path: string, init: Call, ok: (res: Answer, body: unknown) => boolean): Promise<Sent & { attempt: Attempt }> {
    budget--;
    const t0 = Date.now();
    let res: Answer | null = null;
    let text = '';
    let body: unknown = null;
    try {
      res = await call(baseUrl + path, init, timeoutMs);
      text = res.text;
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
    } catch (error) {
      res = null;
      text = `no response: ${String((error as { code?: unknown }).code ?? (error as Error).message)}`;
    }
    const status = res?.status ?? 0;
    const success = res !== null && ok(res, body);
    const message = messageOf(body, text);
    const retryAfterHeader = res?.headers['retry-after'];
    const retryAfter = typeof retryAfterHeader === 'string' ? retryAfterHeader : null;
    const told =
      !success &&
      res !== null &&
      !STACK_TRACE.test(text) &&
      message !== null &&
      ((status >= 400 && status < 500) || (status === 503 && retryAfter !== null) || (status === 200 && op.startsWith('admin')));
    const attempt: Attempt = { op, client: client.index, status, ok: success, told, retryAfter, message, ms: Date.now() - t0, at: t0 - started };
    attempts.push(attempt);
    onAttempt?.(attempt);
    return { res, body, text, attempt };
  }

  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;
  const bearer = (client: LoadClient) => ({ authorization: `Bearer ${client.token}` });

  async function sendActions(client: LoadClient, headers: () => Record<string, string>): Promise<void> {
    for (let n = 0; going(); n++) {
      if (n % 5 === 4) {
        await send(client, 'read', `/api/streams/actor/User/${client.userId}?limit=5`, { headers: headers() }, (res) => res.status === 200);
        continue;
      }
      const verb = `load ${world.run} c${client.index} n${n}`;
      const target = n % 2 === 0 ? { type: 'Group', id: pick(world.groupIds) } : undefined;
      const { attempt, body } = await send(
        client,
        'action',
        '/api/actions',
        { method: 'POST', headers: { ...headers(), 'content-type': 'application/json' }, body: JSON.stringify({ verb, target, data: { n } }) },
        (res) => res.status === 201,
      );
      const id = attempt.ok ? Number((body as { id?: unknown }).id) : null;
      expectations.actions.set(verb, { userId: client.userId, id });
      if (!attempt.ok) await pause(100);
    }
  }

  async function tokenClient(client: LoadClient): Promise<void> {
    await sendActions(client, () => bearer(client));
  }

  async function sessionClient(client: LoadClient): Promise<void> {
    const login = sessions.get(client.index);
    if (!login) return;
    await sendActions(client, () => ({ cookie: login.jar.header(), 'x-csrf-token': login.csrf }));
  }

  async function followerClient(client: LoadClient): Promise<void> {
    for (let n = 0; going(); n++) {
      if (n % 4 === 3) {
        await send(client, 'read', '/api/streams/user?limit=10', { headers: bearer(client) }, (res) => res.status === 200);
        continue;
      }
      const groupId = pick(world.groupIds);
      const key = `${client.userId}|${groupId}`;
      const unfollowing = expectations.follows.get(key) === true && Math.random() < 0.5;
      const { attempt } = await send(
        client,
        unfollowing ? 'unfollow' : 'follow',
        '/api/follows',
        { method: unfollowing ? 'DELETE' : 'POST', headers: { ...bearer(client), 'content-type': 'application/json' }, body: JSON.stringify({ type: 'Group', id: groupId }) },
        (res) => res.status === 200 || res.status === 201,
      );
      expectations.follows.set(key, attempt.ok ? !unfollowing : null);
      if (!attempt.ok) await pause(100);
    }
  }

  async function adminClient(client: LoadClient): Promise<void> {
    const login = sessions.get(client.index);
    if (!login) return;
    const { jar } = login;
    const form = (fields: Record<string, string>): Call => ({
      method: 'POST',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    const saved = (res: Answer, body: unknown) => {
      const b = body as { notice?: { type?: string }; record?: { params?: { id?: unknown }; errors?: object } } | null;
      return res.status === 200 && b?.notice?.type === 'success' && Object.keys(b.record?.errors ?? {}).length === 0;
    };
    for (let n = 0; going(); n++) {
      const name = `Load ${world.run} admin c${client.index} n${n}`;
      const created = await send(client, 'admin-create', '/admin/api/resources/groups/actions/new', form({ name }), saved);
      if (!created.attempt.ok) {
        expectations.failedAdminCreates.push(name);
        await pause(100);
        continue;
      }
      const id = Number((created.body as { record: { params: { id: unknown } } }).record.params.id);
      const group = { ackedEdits: 0, attemptedEdits: 0, name: name as string | null };
      expectations.adminGroups.set(id, group);
      for (let e = 0; e < 3 && going(); e++) {
        const renamed = `${name} e${e}`;
        group.attemptedEdits++;
        const edit = await send(client, 'admin-edit', `/admin/api/resources/groups/records/${id}/edit`, form({ name: renamed }), saved);
        if (edit.attempt.ok) {
          group.ackedEdits++;
          if (group.name !== null) group.name = renamed;
        } else {
          group.name = null; // the name is unknown after a failed edit
          await pause(100);
        }
      }
    }
  }

  const runners = { token: tokenClient, session: sessionClient, follower: followerClient, admin: adminClient };
  await Promise.all(world.clients.map((client) => runners[client.kind](client)));
  return { attempts, expectations, elapsedMs: Date.now() - started };
}

async function apiLogin(baseUrl: string, email: string, password: string): Promise<{ jar: CookieJar; csrf: string }> {
  const jar = new CookieJar();
  const res = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`API login as ${email} failed: ${res.status} ${await res.text()}`);
  jar.take(res);
  return { jar, csrf: String(((await res.json()) as { csrfToken?: unknown }).csrfToken) };
}

async function adminLogin(baseUrl: string, email: string, password: string): Promise<{ jar: CookieJar; csrf: string }> {
  const jar = new CookieJar();
  const res = await fetch(`${baseUrl}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password }).toString(),
    redirect: 'manual',
  });
  await res.text();
  if (res.status !== 302) throw new Error(`admin login as ${email} failed: ${res.status}`);
  jar.take(res);
  return { jar, csrf: '' };
}

function messageOf(body: unknown, text: string): string | null {
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error === 'string') return error;
  const nested = (error as { message?: unknown } | undefined)?.message;
  if (typeof nested === 'string') return nested;
  const notice = (body as { notice?: { message?: unknown } } | null)?.notice?.message;
  if (typeof notice === 'string') return notice;
  const trimmed = text.trim();
  return trimmed ? trimmed.slice(0, 300) : null;
}
