import type { Request, Response } from 'express';
import type { LiveCursor, LiveStream } from 'actstream';
import type { User } from '../../models/index.js';

/** Whether the credentials a stream was opened with still hold (a live session, an unrevoked token). */
export type AuthCheck = () => Promise<boolean>;

export interface LiveClientOptions {
  streams: LiveStream[];
  /** The caller, for their feed and their own view of actions about them; null when anonymous. */
  user: User | null;
  /** Whose streams count against the per-user cap: the user's id, or the anonymous caller's address. */
  owner: string;
  /** Prefix of the URLs in events. */
  base: string;
  /** Where the client stands; set when it is attached. */
  position: LiveCursor;
  authorised?: AuthCheck;
  /** The bytes waiting to be written, before a batch, past which the client is dropped. */
  maxBuffer: number;
}

/** One field of an SSE frame never holds a newline; JSON.stringify writes none outside strings. */
function frame(event: string, data: string, id?: string): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${data}\n\n`;
}

/**
 * One open `text/event-stream` response. Writes never wait: what the socket has not taken yet is
 * buffered, and a client whose buffer passes `maxBuffer` is disconnected (it reconnects with its
 * last event id and resumes from the log), so one slow reader never holds up the others.
 */
export class LiveClient {
  readonly streams: LiveStream[];
  readonly user: User | null;
  readonly owner: string;
  readonly base: string;
  readonly authorised?: AuthCheck;
  position: LiveCursor;
  /** The last `unread-count` sent (a notifications stream sends one only when it changed). */
  unreadSent?: string;
  closed = false;
  private readonly maxBuffer: number;
  private waitingAfterLastBatch = 0;
  private readonly onClose: (() => void)[] = [];

  constructor(
    private readonly req: Request,
    private readonly res: Response,
    options: LiveClientOptions,
  ) {
    ({ streams: this.streams, user: this.user, owner: this.owner, base: this.base, authorised: this.authorised, maxBuffer: this.maxBuffer } = options);
    this.position = options.position;
    res.on('close', () => this.gone());
  }

  /** Sends the headers and the reconnection delay: the stream is open. */
  open(retryMs: number): void {
    this.req.socket.setNoDelay(true);
    this.req.socket.setTimeout(0);
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // Proxies such as nginx would otherwise hold events back to fill a buffer.
      'X-Accel-Buffering': 'no',
    });
    this.write(`retry: ${retryMs}\n: connected\n\n`);
  }

  whenClosed(listener: () => void): void {
    if (this.closed) listener();
    else this.onClose.push(listener);
  }

  /** An event; false when the client was dropped (closed, or too far behind). */
  event(event: string, data: string, id?: string): boolean {
    return this.write(frame(event, data, id));
  }

  ping(): void {
    this.write(': ping\n\n');
  }

  /** Ends the stream after a last event (`auth-expired`, `shutdown`, `reset`). */
  end(event: string, data: unknown = {}): void {
    if (this.closed) return;
    this.write(frame(event, JSON.stringify(data)));
    this.res.end();
    this.gone();
  }

  /**
   * Checked before each batch of events. A client is too far behind, and cut off rather than held
   * for without bound, when more than `maxBuffer` bytes still wait and it took none of them since
   * the last batch (a stalled reader), or when four times that wait (one that never catches up).
   * A reader that is only momentarily busy keeps its stream.
   */
  keepingUp(): boolean {
    if (this.closed) return false;
    const waiting = this.res.writableLength;
    const stalled = waiting > this.maxBuffer && waiting >= this.waitingAfterLastBatch;
    if (!stalled && waiting <= 4 * this.maxBuffer) return true;
    this.res.destroy();
    this.gone();
    return false;
  }

  /** Writes what `send` sends as one write (one syscall for a batch of events). */
  batch(send: () => void): void {
    if (this.closed) return;
    this.res.cork();
    try {
      send();
    } finally {
      process.nextTick(() => {
        this.res.uncork();
        this.waitingAfterLastBatch = this.res.writableLength;
      });
    }
  }

  private write(text: string): boolean {
    if (this.closed) return false;
    this.res.write(text);
    return true;
  }

  private gone(): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.onClose.splice(0)) listener();
  }
}
