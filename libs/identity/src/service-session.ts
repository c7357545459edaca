import { type IdentityLog, type KeystoneClient, KeystoneUnavailable, type ServiceUser } from './keystone-client';

/** After a failed login, uncached requests fail fast this long instead of each trying again (and locking the user out). */
export const LOGIN_RETRY_MS = 1000;

/**
 * The service user's own token: logged in on first use, renewed once most of its life has passed
 * (a fixed minute before its end would be after it for short-lived test tokens), and dropped
 * when Keystone answers 401 for it. Concurrent callers share one login.
 */
export class ServiceSession {
  private current: { token: string; renewAtMs: number; expiresAtMs: number } | null = null;
  private login: Promise<string> | null = null;
  private failure: { reason: string; retryAtMs: number } | null = null;

  constructor(
    private readonly client: KeystoneClient,
    private readonly user: ServiceUser,
    private readonly clock: () => number,
    private readonly log: IdentityLog,
  ) {}

  /** A token to validate others with; rejects with KeystoneUnavailable. */
  async token(): Promise<string> {
    const now = this.clock();
    if (this.current && now < this.current.renewAtMs) return this.current.token;
    // A renewal that fails (a password changed in Keystone before the file) leaves the old token in use while it lives.
    const stillValid = this.current && now < this.current.expiresAtMs ? this.current.token : null;
    if (this.failure && now < this.failure.retryAtMs) {
      if (stillValid) return stillValid;
      throw new KeystoneUnavailable(this.failure.reason);
    }
    this.login ??= this.logIn().finally(() => {
      this.login = null;
    });
    try {
      return await this.login;
    } catch (error) {
      if (stillValid) return stillValid;
      throw error;
    }
  }

  /** Keystone refused `token` (401): the next caller logs in again, unless another already has. */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = null;
  }

  private async logIn(): Promise<string> {
    const startedAtMs = this.clock();
    try {
      const { token, expiresAtMs } = await this.client.login(this.user);
      this.current = { token, renewAtMs: startedAtMs + (expiresAtMs - startedAtMs) * 0.75, expiresAtMs };
      if (this.failure) this.log.warn({ serviceUser: this.user.name }, 'the Keystone service user is logged in again');
      this.failure = null;
      return token;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.failure = { reason, retryAtMs: this.clock() + LOGIN_RETRY_MS };
      this.log.error({ serviceUser: this.user.name, reason }, 'the Keystone service user cannot log in; tokens not in the cache cannot be validated');
      throw error instanceof KeystoneUnavailable ? error : new KeystoneUnavailable(reason);
    }
  }
}
