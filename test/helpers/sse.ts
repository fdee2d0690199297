import { request, type ClientRequest, type IncomingMessage } from 'node:http';

/** One Server-Sent Event as a client parses it. */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * A raw HTTP EventSource-like client (no reconnecting: the tests reconnect by hand, with the last
 * event id). Parses frames as the SSE spec says; comments (`: ping`) are counted apart.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  comments = 0;
  status = 0;
  body = '';
  ended = false;
  response?: IncomingMessage;
  private req?: ClientRequest;
  private buffer = '';
  private waiters: (() => void)[] = [];

  private constructor() {}

  /** Opens `url`; resolves once the status line is in (with the body for a non-stream answer). */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    await new Promise<void>((resolve, reject) => {
      client.req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        client.response = res;
        client.status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        if (!String(res.headers['content-type']).startsWith('text/event-stream')) {
          res.on('data', (chunk: string) => (client.body += chunk));
          res.on('end', () => {
            client.ended = true;
            resolve();
          });
          return;
        }
        res.on('data', (chunk: string) => client.feed(chunk));
        const done = () => {
          client.ended = true;
          client.wakeAll();
        };
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
        resolve();
      });
      client.req.on('error', (error) => {
        client.ended = true;
        client.wakeAll();
        reject(error);
      });
      client.req.end();
    });
    return client;
  }

  /** The JSON body of a refused request. */
  json(): { error: { code: string; message: string } } {
    return JSON.parse(this.body) as { error: { code: string; message: string } };
  }

  /** Events of this type so far. */
  of(type: string): SseEvent[] {
    return this.events.filter((event) => event.event === type);
  }

  /** Waits until `check` holds (re-checked on every event and at the end); rejects after `timeoutMs`. */
  async until(check: () => boolean, timeoutMs = 10_000, what = 'the expected events'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (this.ended) throw new Error(`the stream ended before ${what} (got ${this.events.map((e) => e.event).join(', ')})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms (got ${this.events.length} events)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for `count` events of `type` in all. */
  async atLeast(type: string, count: number, timeoutMs?: number): Promise<SseEvent[]> {
    await this.until(() => this.of(type).length >= count, timeoutMs, `${count} "${type}" events`);
    return this.of(type);
  }

  /** Waits until the server ends the stream. */
  async closed(timeoutMs = 10_000): Promise<void> {
    await this.until(() => this.ended, timeoutMs, 'the end of the stream').catch((error: Error) => {
      if (!this.ended) throw error;
    });
  }

  /** Stops reading (the socket's buffers fill up; the server sees a slow reader). */
  pause(): void {
    this.response?.pause();
  }

  resume(): void {
    this.response?.resume();
  }

  close(): void {
    this.req?.destroy();
    this.ended = true;
    this.wakeAll();
  }

  private wakeAll(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event: SseEvent = { event: 'message', data: '' };
      const data: string[] = [];
      let fields = 0;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          if (line.startsWith(': ping')) this.comments++;
          continue;
        }
        const colon = line.indexOf(':');
        const name = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (name === 'event') event.event = value;
        else if (name === 'data') data.push(value);
        else if (name === 'id') event.id = value;
        else continue;
        fields++;
      }
      if (fields === 0 || data.length === 0) continue;
      event.data = data.join('\n');
      this.events.push(event);
    }
    this.wakeAll();
  }
}
