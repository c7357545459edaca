import type { ServerResponse } from 'node:http';
import type { Viewer } from './web/dashboard-protocol';

/** Proxies close idle connections; a comment line now and then keeps an SSE stream open. */
const KEEPALIVE_MS = 15_000;
/**
 * A page that stops reading (a suspended laptop) would make the server buffer every change for
 * it: past this it is cut off, and its EventSource reconnects to a fresh snapshot.
 */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

interface Subscriber {
  readonly res: ServerResponse;
  readonly viewer: Viewer;
}

/** The open server-sent-event streams, each with the viewer it speaks for. */
export class LiveStreamHub {
  private readonly subscribers = new Set<Subscriber>();
  private readonly keepalive: NodeJS.Timeout;

  constructor() {
    this.keepalive = setInterval(() => {
      for (const { res } of this.subscribers) res.write(': keepalive\n\n');
    }, KEEPALIVE_MS);
  }

  /** Starts the stream on `res` with its first message; later `send`s reach it until it closes. */
  open(res: ServerResponse, viewer: Viewer, event: string, data: unknown): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    const subscriber: Subscriber = { res, viewer };
    this.write(subscriber, event, data);
    this.subscribers.add(subscriber);
    res.once('close', () => this.subscribers.delete(subscriber));
  }

  /** Sends what `shape` makes of a message for each viewer; null sends nothing to that one. */
  send(event: string, shape: (viewer: Viewer) => unknown): void {
    for (const subscriber of this.subscribers) {
      const data = shape(subscriber.viewer);
      if (data !== null) this.write(subscriber, event, data);
    }
  }

  get size(): number {
    return this.subscribers.size;
  }

  close(): void {
    clearInterval(this.keepalive);
    for (const { res } of this.subscribers) res.end();
    this.subscribers.clear();
  }

  private write(subscriber: Subscriber, event: string, data: unknown): void {
    if (subscriber.res.writableLength > MAX_BUFFERED_BYTES) {
      this.subscribers.delete(subscriber);
      subscriber.res.destroy();
      return;
    }
    // JSON has no raw newlines, so the payload is one `data:` line.
    subscriber.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }
}
