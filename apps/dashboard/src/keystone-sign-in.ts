import { AuthenticationError, causeOf, KeystoneUnreachable, requestPasswordToken } from '@lbaas/identity';

/** What the sign-in form sends: a Keystone user's name and password, and optionally the project and domain. */
export interface PasswordSignIn {
  readonly username: string;
  readonly password: string;
  /** Empty: the one project the user has a role on. */
  readonly project: string;
  /** Empty: Keystone's default domain. */
  readonly domain: string;
}

type Fetch = typeof fetch;
/** Keystone's default domain unless the form names one; the user's and the project's alike. */
const domainOf = (form: PasswordSignIn): { id: string } | { name: string } =>
  form.domain === '' ? { id: 'default' } : { name: form.domain };
type Scope = { project: { id: string } | { name: string; domain: { id: string } | { name: string } } } | null;

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Turns a user name and password into a project-scoped Keystone token (POST /v3/auth/tokens, the
 * password method), which the page then uses as a pasted one. Refusals are AuthenticationErrors:
 * `unauthenticated` with Keystone's own message, `unavailable` when Keystone does not answer.
 * The password goes to Keystone only: never into a message or a log.
 */
export class KeystoneSignIn {
  constructor(
    private readonly keystoneUrl: string,
    private readonly timeoutMs: number,
    private readonly fetchImpl: Fetch = fetch,
  ) {}

  async signIn(form: PasswordSignIn): Promise<string> {
    if (form.project !== '') return (await this.passwordToken(form, { project: { name: form.project, domain: domainOf(form) } })).token;
    // No project named: Keystone scopes to the user's default project if it has one, else the page
    // takes the only project the user has a role on.
    const unscoped = await this.passwordToken(form, null);
    if (unscoped.scoped) return unscoped.token;
    const projects = await this.projectsOf(unscoped.token);
    if (projects.length === 1) return (await this.passwordToken(form, { project: { id: projects[0].id } })).token;
    if (projects.length === 0) throw new AuthenticationError('unauthenticated', `${form.username} has no role on any project.`);
    throw new AuthenticationError(
      'unauthenticated',
      `${form.username} has roles on several projects: name one (${projects
        .map((p) => p.name)
        .sort()
        .join(', ')}).`,
    );
  }

  private async call(path: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetchImpl(`${this.base}${path}`, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw unreachable(causeOf(error));
    }
  }

  private get base(): string {
    return this.keystoneUrl.replace(/\/+$/, '');
  }

  private async passwordToken(form: PasswordSignIn, scope: Scope): Promise<{ token: string; scoped: boolean }> {
    const user = { name: form.username, domain: domainOf(form) };
    const answer = await requestPasswordToken(
      `${this.base}/v3/auth/tokens`,
      { user, password: form.password, scope },
      this.timeoutMs,
      this.fetchImpl,
    ).catch((error: unknown) => {
      throw error instanceof KeystoneUnreachable ? unreachable(error.message) : error;
    });
    if (answer.status !== 201) throw refusal(answer.status, answer.body);
    if (!answer.token) throw new AuthenticationError('unavailable', 'Keystone answered without a token.');
    return { token: answer.token, scoped: isRecord(answer.body) && isRecord(answer.body.token) && isRecord(answer.body.token.project) };
  }

  private async projectsOf(unscopedToken: string): Promise<{ id: string; name: string }[]> {
    const response = await this.call('/v3/auth/projects', { headers: { 'X-Auth-Token': unscopedToken, Accept: 'application/json' } });
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) throw refusal(response.status, body);
    const projects = isRecord(body) && Array.isArray(body.projects) ? body.projects.filter(isRecord) : [];
    return projects
      .filter((p) => typeof p.id === 'string')
      .map((p) => ({ id: String(p.id), name: typeof p.name === 'string' ? p.name : String(p.id) }));
  }
}

const unreachable = (cause: string): AuthenticationError =>
  new AuthenticationError('unavailable', `Keystone does not answer (${cause}); try again shortly.`);

/** Keystone's `{"error": {"message"}}`: a 4xx is the caller's (a wrong password), anything else Keystone's own trouble. */
function refusal(status: number, body: unknown): AuthenticationError {
  const message = isRecord(body) && isRecord(body.error) && typeof body.error.message === 'string' ? body.error.message : `HTTP ${status}`;
  if (status >= 400 && status < 500) return new AuthenticationError('unauthenticated', `Keystone refused: ${message}`);
  return new AuthenticationError('unavailable', `Keystone answered ${status}: ${message}; try again shortly.`);
}
