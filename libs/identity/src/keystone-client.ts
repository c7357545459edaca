import { readFileSync } from 'node:fs';

/** Keystone did not answer usefully: down, slow, 5xx, or refusing the service user. Never about the token asked about. */
export class KeystoneUnavailable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'KeystoneUnavailable';
  }
}

/** Where this library reports trouble with Keystone (pino's Logger fits). It is never given a token. */
export interface IdentityLog {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** JSON lines on stderr, for a service that passes no logger of its own. */
export const stderrLog: IdentityLog = {
  warn: (fields, message) => process.stderr.write(`${JSON.stringify({ level: 'warn', time: Date.now(), component: 'identity', ...fields, msg: message })}\n`),
  error: (fields, message) => process.stderr.write(`${JSON.stringify({ level: 'error', time: Date.now(), component: 'identity', ...fields, msg: message })}\n`),
};

/** The service user that validates tokens; its password is read from a file, never from env or argv. */
export interface ServiceUser {
  readonly name: string;
  readonly project: string;
  /** The name of the domain of both the user and the project (`Default`). */
  readonly domain: string;
  readonly passwordFile: string;
}

/** The answer to one `GET /v3/auth/tokens`. */
export type Validation =
  | { readonly status: 'valid'; readonly body: unknown }
  /** 404: Keystone knows no such token, or it expired or was revoked. */
  | { readonly status: 'invalid' }
  /** 401: Keystone refuses the service user's own token. */
  | { readonly status: 'service-token-rejected' };

/** The service user's password as the file holds it, without the line end an editor adds. */
export function readServicePassword(path: string): string {
  const password = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  if (password === '') throw new Error(`${path} is empty`);
  return password;
}

/**
 * The two Keystone calls token validation needs, with a deadline each: the service user's
 * password login, and validating a subject token with the service user's token.
 */
export class KeystoneClient {
  private readonly tokensUrl: string;

  constructor(baseUrl: string, private readonly timeoutMs: number) {
    // The catalog is not needed to authorize a request, and is most of a token body.
    this.tokensUrl = `${baseUrl}/v3/auth/tokens?nocatalog`;
  }

  /** Logs the service user in with a project-scoped token; rejects with KeystoneUnavailable. */
  async login(user: ServiceUser): Promise<{ token: string; expiresAtMs: number }> {
    let password: string;
    try {
      password = readServicePassword(user.passwordFile);
    } catch (error) {
      throw new KeystoneUnavailable(`cannot read the service user's password: ${(error as { message?: unknown }).message ?? String(error)}`);
    }
    const body = JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: user.name, domain: { name: user.domain }, password } } },
        scope: { project: { name: user.project, domain: { name: user.domain } } },
      },
    });
    const response = await this.request('POST', { 'Content-Type': 'application/json' }, body);
    const token = response.headers.get('x-subject-token');
    if (response.status !== 201 || !token) {
      throw new KeystoneUnavailable(`the service user '${user.name}' cannot log in: Keystone answered ${response.status}`);
    }
    const expiresAt = expiresAtOf(await this.json(response));
    if (expiresAt === null) throw new KeystoneUnavailable('Keystone answered the service user\'s login without an expires_at');
    return { token, expiresAtMs: expiresAt };
  }

  /** Validates `subjectToken` as the holder of `serviceToken`; rejects with KeystoneUnavailable. */
  async validate(serviceToken: string, subjectToken: string): Promise<Validation> {
    // keystonemiddleware's mapping: 404 is an invalid token, 401 the service token's problem, anything else Keystone's.
    const response = await this.request('GET', { 'X-Auth-Token': serviceToken, 'X-Subject-Token': subjectToken });
    if (response.status === 200) return { status: 'valid', body: await this.json(response) };
    await response.body?.cancel();
    if (response.status === 404) return { status: 'invalid' };
    if (response.status === 401) return { status: 'service-token-rejected' };
    throw new KeystoneUnavailable(`Keystone answered a token validation with ${response.status}`);
  }

  private async request(method: 'GET' | 'POST', headers: Record<string, string>, body?: string): Promise<Response> {
    try {
      return await fetch(this.tokensUrl, {
        method,
        headers: { Accept: 'application/json', ...headers },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new KeystoneUnavailable(`Keystone did not answer: ${reasonOf(error)}`);
    }
  }

  private async json(response: Response): Promise<unknown> {
    try {
      return await response.json();
    } catch (error) {
      throw new KeystoneUnavailable(`Keystone's answer could not be read: ${reasonOf(error)}`);
    }
  }
}

function expiresAtOf(body: unknown): number | null {
  const token = typeof body === 'object' && body !== null ? (body as { token?: { expires_at?: unknown } }).token : undefined;
  const at = typeof token?.expires_at === 'string' ? Date.parse(token.expires_at) : NaN;
  return Number.isFinite(at) ? at : null;
}

/** A fetch failure's cause (ECONNREFUSED, a timeout), which fetch hides behind "fetch failed". */
function reasonOf(error: unknown): string {
  // An abort is a DOMException, not an Error in every realm: tell it by its name.
  const { name, message, cause } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown; cause?: unknown };
  if (name === 'TimeoutError') return 'timed out';
  if (typeof cause === 'object' && cause !== null) {
    const { code, message: causeMessage } = cause as { code?: unknown; message?: unknown };
    if (typeof code === 'string') return code;
    if (typeof causeMessage === 'string') return causeMessage;
  }
  return typeof message === 'string' ? message : String(error);
}
