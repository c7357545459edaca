import { createHash } from 'node:crypto';
import { ExpiringLru } from './expiring-lru';
import { type IdentityLog, KeystoneClient, KeystoneUnavailable, type ServiceUser, type Validation } from './keystone-client';
import { isPlausibleToken, NOT_A_TOKEN, type TokenOutcome, tokenOutcome } from './keystone-token';
import { AuthenticationError, type Authenticator, type Principal } from './principal';
import { ServiceSession } from './service-session';
import { TOKEN_REQUIRED } from './token-file';

export interface KeystoneAuthenticatorOptions {
  /** Keystone's base URL, without /v3. */
  readonly url: string;
  /** The auth URL a 401's `WWW-Authenticate: Keystone uri="..."` names. */
  readonly publicUrl: string;
  readonly serviceUser: ServiceUser;
  /** A validated token is cached until min(its expires_at, now + this). */
  readonly cacheTtlS: number;
  /** An invalid token is remembered this long. */
  readonly negativeTtlS: number;
  /** The deadline of one request to Keystone. */
  readonly timeoutMs: number;
  /** At most this many validated tokens are cached, and separately at most this many invalid ones. */
  readonly cacheEntries?: number;
  /** Milliseconds since the epoch; tests move it. */
  readonly clock?: () => number;
  readonly log?: IdentityLog;
}

export const DEFAULT_CACHE_ENTRIES = 10_000;

export const KEYSTONE_UNAVAILABLE = 'The identity service (Keystone) is temporarily unavailable; try again later.';

type Cached = Exclude<TokenOutcome, { kind: 'invalid' }>;

const silent: IdentityLog = { warn: () => undefined, error: () => undefined };

/**
 * Keystone v3 token validation with keystonemiddleware's auth_token semantics: the service logs
 * in as its own user and validates each `X-Auth-Token` with `GET /v3/auth/tokens`. Results are
 * cached by the token's SHA-256 (never the token): a principal until the token expires or the TTL
 * ends, an invalid token for the negative TTL. Concurrent requests with one token share one
 * validation. Keystone down, slow or failing: uncached tokens get 'unavailable' (503), cached ones
 * keep working. Only project-scoped tokens are accepted. Constructing it calls nothing, so a
 * service starts while Keystone is down.
 */
export class KeystoneAuthenticator implements Authenticator {
  private readonly client: KeystoneClient;
  private readonly session: ServiceSession;
  private readonly validated: ExpiringLru<Cached>;
  private readonly rejected: ExpiringLru<true>;
  private readonly inFlight = new Map<string, Promise<Cached | null>>();
  private readonly clock: () => number;
  private readonly log: IdentityLog;
  private readonly challenge: string;
  private keystoneDown = false;

  constructor(private readonly options: KeystoneAuthenticatorOptions) {
    this.clock = options.clock ?? Date.now;
    this.log = options.log ?? silent;
    this.client = new KeystoneClient(options.url, options.timeoutMs);
    this.session = new ServiceSession(this.client, options.serviceUser, this.clock, this.log);
    this.validated = new ExpiringLru(options.cacheEntries ?? DEFAULT_CACHE_ENTRIES);
    this.rejected = new ExpiringLru(options.cacheEntries ?? DEFAULT_CACHE_ENTRIES);
    this.challenge = `Keystone uri="${options.publicUrl}"`;
  }

  async authenticate(header: string | undefined): Promise<Principal> {
    // keystonemiddleware strips the header too (bug 1689468).
    const token = header?.trim() ?? '';
    if (token === '') throw this.unauthenticated(TOKEN_REQUIRED);
    if (!isPlausibleToken(token)) throw this.unauthenticated(NOT_A_TOKEN);
    return this.principalOf(await this.outcomeOf(token));
  }

  /** Validated and invalid tokens cached now, for tests and the bench. */
  get cacheSizes(): { validated: number; rejected: number } {
    return { validated: this.validated.size, rejected: this.rejected.size };
  }

  private async outcomeOf(token: string): Promise<Cached | null> {
    const key = createHash('sha256').update(token).digest('hex');
    const now = this.clock();
    const cached = this.validated.get(key, now);
    if (cached) return cached;
    if (this.rejected.get(key, now)) return null;
    let flight = this.inFlight.get(key);
    if (!flight) {
      flight = this.validate(key, token).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, flight);
    }
    return flight;
  }

  /** Asks Keystone and caches its verdict; null is an invalid token. */
  private async validate(key: string, token: string): Promise<Cached | null> {
    let validation: Validation;
    try {
      validation = await this.ask(token);
    } catch (error) {
      if (!(error instanceof KeystoneUnavailable)) throw error;
      if (!this.keystoneDown) this.log.error({ keystone: this.options.url, reason: error.message }, 'Keystone is unavailable: only cached tokens are accepted');
      this.keystoneDown = true;
      throw new AuthenticationError('unavailable', KEYSTONE_UNAVAILABLE);
    }
    if (this.keystoneDown) this.log.warn({ keystone: this.options.url }, 'Keystone answers again');
    this.keystoneDown = false;
    const now = this.clock();
    const outcome = validation.status === 'valid' ? tokenOutcome(validation.body, now) : ({ kind: 'invalid' } as const);
    if (outcome.kind === 'invalid') {
      this.rejected.set(key, true, now + this.options.negativeTtlS * 1000);
      return null;
    }
    this.validated.set(key, outcome, Math.min(outcome.expiresAtMs, now + this.options.cacheTtlS * 1000));
    return outcome;
  }

  /** One validation, and a second with a new service token when Keystone refused the first (as keystonemiddleware retries once). */
  private async ask(token: string): Promise<Validation> {
    const serviceToken = await this.session.token();
    const first = await this.client.validate(serviceToken, token);
    if (first.status !== 'service-token-rejected') return first;
    this.session.invalidate(serviceToken);
    const second = await this.client.validate(await this.session.token(), token);
    if (second.status === 'service-token-rejected') throw new KeystoneUnavailable('Keystone refuses the service user\'s new token (401)');
    return second;
  }

  private principalOf(outcome: Cached | null): Principal {
    if (outcome === null) throw this.unauthenticated(TOKEN_REQUIRED);
    if (outcome.kind === 'refused') throw this.unauthenticated(outcome.message);
    return outcome.principal;
  }

  private unauthenticated(message: string): AuthenticationError {
    return new AuthenticationError('unauthenticated', message, this.challenge);
  }
}
