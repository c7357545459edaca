import { connect, type Socket } from 'node:net';

/** A response read whole: its status and its body as text. */
export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;
const CHUNKED = /\r\ntransfer-encoding:[^\r]*chunked/i;
const CONNECTION_CLOSE = /\r\nconnection:[ \t]*close/i;

interface InFlight {
  readonly resolve: (answer: HttpAnswer) => void;
  readonly reject: (error: Error) => void;
}

/**
 * One HTTP/1.1 connection carrying one request at a time, kept alive between requests. A bench
 * harness, not a general client: each request is written in one socket write, and a response
 * must say its length (the api's JSON always does); anything else fails the request rather than
 * being guessed at. node:http's request and agent bookkeeping, header checks and streams cost the
 * bench's process about as much CPU per create as the api's own HTTP parsing, on the same 2 cores.
 */
class KeepAliveConnection {
  private socket: Socket | null = null;
  private received: Buffer = Buffer.alloc(0);
  private inFlight: InFlight | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs: number,
  ) {}

  /** Writes a whole request (head and body) and resolves with the whole response. */
  send(request: string): Promise<HttpAnswer> {
    if (this.inFlight !== null) return Promise.reject(new Error('a request is already in flight on this connection'));
    const socket = this.socket ?? this.open();
    return new Promise((resolve, reject) => {
      this.inFlight = { resolve, reject };
      socket.write(request);
    });
  }

  destroy(): void {
    this.protocolError('the connection was closed by the bench');
  }

  private open(): Socket {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    socket.setTimeout(this.timeoutMs);
    // A socket this connection has already let go of (and failed its request for) is not heard again.
    const current = (): boolean => this.socket === socket;
    socket.on('data', (chunk: Buffer) => {
      if (current()) this.onData(chunk);
    });
    socket.on('timeout', () => {
      if (current()) this.protocolError(`no answer within ${this.timeoutMs} ms`);
    });
    socket.on('error', (error) => {
      if (current()) this.fail(error);
    });
    socket.on('close', () => {
      if (!current()) return;
      this.socket = null;
      this.fail(new Error('the api closed the connection before it answered'));
    });
    this.socket = socket;
    return socket;
  }

  private onData(chunk: Buffer): void {
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    const headEnd = this.received.indexOf(HEAD_END);
    if (headEnd < 0) return;
    const head = this.received.toString('latin1', 0, headEnd);
    const length = CONTENT_LENGTH.exec(head);
    if (length === null || CHUNKED.test(head)) return this.protocolError(`a response without a Content-Length: ${head.slice(0, 200)}`);
    const bodyStart = headEnd + HEAD_END.length;
    const bodyEnd = bodyStart + Number(length[1]);
    if (this.received.length < bodyEnd) return;
    // One request at a time: bytes past this response were sent without a request.
    if (this.received.length > bodyEnd) return this.protocolError('bytes past the end of the response');
    const answer = { status: Number(head.slice(9, 12)), text: this.received.toString('utf8', bodyStart, bodyEnd) };
    this.received = Buffer.alloc(0);
    if (CONNECTION_CLOSE.test(head)) {
      this.socket?.destroy();
      this.socket = null;
    }
    const inFlight = this.inFlight;
    this.inFlight = null;
    inFlight?.resolve(answer);
  }

  /** Fails the request in flight and lets the socket go: the next request opens another. */
  private protocolError(message: string): void {
    this.fail(new Error(message));
    this.socket?.destroy();
    this.socket = null;
    this.received = Buffer.alloc(0);
  }

  private fail(error: Error): void {
    const inFlight = this.inFlight;
    this.inFlight = null;
    inFlight?.reject(error);
  }
}

/**
 * POSTs over at most `connections` kept-alive HTTP/1.1 connections, each carrying one request at
 * a time (callers beyond that wait for a connection, as with node:http's agent and maxSockets).
 */
export class KeepAlivePosts {
  private readonly idle: KeepAliveConnection[] = [];
  private readonly all = new Set<KeepAliveConnection>();
  private readonly waiting: ((connection: KeepAliveConnection) => void)[] = [];
  private readonly host: string;
  private readonly port: number;
  private readonly headers: string;

  constructor(
    api: URL,
    headers: Readonly<Record<string, string>>,
    private readonly connections: number,
    private readonly timeoutMs: number,
  ) {
    if (api.protocol !== 'http:') throw new Error(`the bench's client speaks plain HTTP only, not ${api.protocol}`);
    this.host = api.hostname;
    this.port = Number(api.port || 80);
    this.headers = Object.entries({ Host: api.host, ...headers })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
  }

  async post(path: string, json: string): Promise<HttpAnswer> {
    const connection = this.idle.pop() ?? (this.all.size < this.connections ? this.opened() : await this.nextFree());
    try {
      return await connection.send(
        `POST ${path} HTTP/1.1\r\n${this.headers}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
      );
    } finally {
      const waiter = this.waiting.shift();
      if (waiter !== undefined) waiter(connection);
      else this.idle.push(connection);
    }
  }

  /** Closes every connection: requests in flight fail. */
  destroy(): void {
    for (const connection of this.all) connection.destroy();
  }

  private opened(): KeepAliveConnection {
    const connection = new KeepAliveConnection(this.host, this.port, this.timeoutMs);
    this.all.add(connection);
    return connection;
  }

  private nextFree(): Promise<KeepAliveConnection> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}
