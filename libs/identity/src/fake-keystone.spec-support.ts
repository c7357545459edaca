import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { AuthenticationError } from './principal';

/** One request the fake saw, without its body. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly authToken: string | undefined;
  readonly subjectToken: string | undefined;
}

/** How the fake answers `GET /v3/auth/tokens`: with a token body, or a status. */
export type FakeAnswer = { readonly body: unknown } | { readonly status: number };

/**
 * Keystone's two token calls, on 127.0.0.1, for the unit specs of this module only: a password
 * login that issues service tokens, and validation that answers from `tokens` (404 otherwise).
 * `hold()` keeps validations waiting until `release()`, `mode` turns it into a failing Keystone.
 */
export class FakeKeystone {
  readonly tokens = new Map<string, FakeAnswer>();
  readonly requests: SeenRequest[] = [];
  /** Service tokens the fake accepts; `revokeServiceTokens()` empties it, as a Keystone restart with new keys would. */
  readonly serviceTokens = new Set<string>();
  password = 'service-password-1';
  /** How long a service token it issues lives, in milliseconds of `clock()`. */
  serviceTokenLifeMs = 3_600_000;
  mode: 'ok' | 'error' | 'hang' | 'forbidden' | 'unauthorized' = 'ok';
  clock: () => number = Date.now;
  private issued = 0;
  private held: (() => void)[] | null = null;
  private readonly sockets = new Set<Socket>();
  private server!: Server;
  url = '';

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => this.answer(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Stops listening and cuts every connection: Keystone killed. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  validations(subjectToken?: string): number {
    return this.requests.filter((r) => r.method === 'GET' && (subjectToken === undefined || r.subjectToken === subjectToken)).length;
  }

  logins(): number {
    return this.requests.filter((r) => r.method === 'POST').length;
  }

  hold(): void {
    this.held = [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const go of held) go();
  }

  revokeServiceTokens(): void {
    this.serviceTokens.clear();
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
    this.requests.push({ method: req.method ?? '', url: req.url ?? '', authToken: header('x-auth-token'), subjectToken: header('x-subject-token') });
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      if (this.mode === 'hang') return;
      if (this.mode === 'error') return void res.writeHead(500).end('{"error": {"code": 500}}');
      if (req.method === 'POST') return this.login(raw, res);
      if (this.mode === 'forbidden') return void res.writeHead(403).end('{"error": {"code": 403}}');
      if (this.mode === 'unauthorized') return void res.writeHead(401).end('{"error": {"code": 401}}');
      const go = () => this.validate(header('x-auth-token'), header('x-subject-token'), res);
      if (this.held) this.held.push(go);
      else go();
    });
  }

  private login(raw: string, res: ServerResponse): void {
    const body = JSON.parse(raw) as { auth: { identity: { password: { user: { name: string; password: string } } } } };
    if (body.auth.identity.password.user.password !== this.password) return void res.writeHead(401).end('{"error": {"code": 401}}');
    const token = `gAAAAAservice${++this.issued}`;
    this.serviceTokens.add(token);
    const expiresAt = new Date(this.clock() + this.serviceTokenLifeMs).toISOString();
    res.writeHead(201, { 'Content-Type': 'application/json', 'X-Subject-Token': token }).end(JSON.stringify({ token: { expires_at: expiresAt } }));
  }

  private validate(authToken: string | undefined, subjectToken: string | undefined, res: ServerResponse): void {
    if (!authToken || !this.serviceTokens.has(authToken)) return void res.writeHead(401).end('{"error": {"code": 401}}');
    const answer = subjectToken === undefined ? undefined : this.tokens.get(subjectToken);
    if (!answer) return void res.writeHead(404).end('{"error": {"code": 404}}');
    if ('status' in answer) return void res.writeHead(answer.status).end('{}');
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body));
  }
}

/** The body Keystone answers a validation with, for a user's token scoped as given. */
export function tokenBody(user: { id: string; name: string }, scope: Record<string, unknown>, expiresAtMs: number, roles: string[] = []): { body: unknown } {
  return {
    body: {
      token: {
        methods: ['password'],
        user: { id: user.id, name: user.name, domain: { id: 'default', name: 'Default' } },
        ...scope,
        roles: roles.map((name, i) => ({ id: `role-${i}`, name })),
        expires_at: new Date(expiresAtMs).toISOString(),
        issued_at: new Date(expiresAtMs - 3_600_000).toISOString(),
      },
    },
  };
}

/** Waits for a condition, bounded: polls every 10 ms for at most 5 s. */
export async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('condition not met');
}

/** The AuthenticationError `run` rejects with; anything else fails the test. */
export async function rejection(run: Promise<unknown>): Promise<AuthenticationError> {
  try {
    await run;
  } catch (error) {
    if (error instanceof AuthenticationError) return error;
    throw error;
  }
  throw new Error('authenticated');
}
