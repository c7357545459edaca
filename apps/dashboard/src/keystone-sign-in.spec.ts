import { AuthenticationError } from '@lbaas/identity';
import { KeystoneSignIn, type PasswordSignIn } from './keystone-sign-in';

const PASSWORD = 'never-in-a-message';
const FORM: PasswordSignIn = { username: 'demo', password: PASSWORD, project: '', domain: '' };

interface Call {
  url: string;
  method: string;
  body: unknown;
  token: string | null;
}

/** A Keystone of canned answers, one per request in order, recording what it was asked. */
function fakeKeystone(...answers: Response[]): typeof fetch & { calls: Call[] } {
  const calls: Call[] = [];
  const impl = async (url: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    calls.push({
      url: String(url),
      method: init?.method ?? 'GET',
      body: init?.body ? JSON.parse(String(init.body)) : null,
      token: headers.get('x-auth-token'),
    });
    const answer = answers.shift();
    if (!answer) throw new Error('unexpected request');
    return answer;
  };
  return Object.assign(impl as typeof fetch, { calls });
}
const issued = (token: string, project: Record<string, string> | null) =>
  new Response(JSON.stringify({ token: project ? { project } : {} }), { status: 201, headers: { 'X-Subject-Token': token } });
const projects = (...names: string[]) =>
  new Response(JSON.stringify({ projects: names.map((name) => ({ id: `id-${name}`, name })) }), { status: 200 });

async function refusal(run: () => Promise<unknown>): Promise<AuthenticationError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof AuthenticationError) return error;
    throw error;
  }
  throw new Error('signed in');
}

describe('KeystoneSignIn', () => {
  it('asks for a token scoped to the project named, in the default domain', async () => {
    const keystone = fakeKeystone(issued('tok-demo', { id: 'p', name: 'demo' }));
    await expect(new KeystoneSignIn('http://127.0.0.1:5999/', 1000, keystone).signIn({ ...FORM, project: 'demo' })).resolves.toBe(
      'tok-demo',
    );
    expect(keystone.calls).toEqual([
      {
        url: 'http://127.0.0.1:5999/v3/auth/tokens',
        method: 'POST',
        token: null,
        body: {
          auth: {
            identity: { methods: ['password'], password: { user: { name: 'demo', domain: { id: 'default' }, password: PASSWORD } } },
            scope: { project: { name: 'demo', domain: { id: 'default' } } },
          },
        },
      },
    ]);
  });

  it("takes the user's default project when Keystone scopes to it", async () => {
    const keystone = fakeKeystone(issued('tok-default', { id: 'p', name: 'demo' }));
    await expect(new KeystoneSignIn('http://k', 1000, keystone).signIn({ ...FORM, domain: 'Lab' })).resolves.toBe('tok-default');
    expect(keystone.calls[0].body).toEqual({
      auth: { identity: { methods: ['password'], password: { user: { name: 'demo', domain: { name: 'Lab' }, password: PASSWORD } } } },
    });
  });

  it('scopes to the only project the user has a role on', async () => {
    const keystone = fakeKeystone(issued('unscoped', null), projects('demo'), issued('tok-scoped', { id: 'id-demo', name: 'demo' }));
    await expect(new KeystoneSignIn('http://k', 1000, keystone).signIn(FORM)).resolves.toBe('tok-scoped');
    expect(keystone.calls.map((c) => [c.method, c.url, c.token])).toEqual([
      ['POST', 'http://k/v3/auth/tokens', null],
      ['GET', 'http://k/v3/auth/projects', 'unscoped'],
      ['POST', 'http://k/v3/auth/tokens', null],
    ]);
    expect(keystone.calls[2].body).toMatchObject({ auth: { scope: { project: { id: 'id-demo' } } } });
  });

  it.each([
    ['no project', [issued('u', null), projects()], 'demo has no role on any project.'],
    ['several projects', [issued('u', null), projects('other', 'demo')], 'demo has roles on several projects: name one (demo, other).'],
  ])('asks for a project when the user has %s', async (_desc, answers, message) => {
    const error = await refusal(() => new KeystoneSignIn('http://k', 1000, fakeKeystone(...answers)).signIn(FORM));
    expect([error.kind, error.message]).toEqual(['unauthenticated', message]);
  });

  it("passes Keystone's words on a wrong password, and says when Keystone is down or failing", async () => {
    const wrong = new Response(
      JSON.stringify({ error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } }),
      { status: 401 },
    );
    const denied = await refusal(() => new KeystoneSignIn('http://k', 1000, fakeKeystone(wrong)).signIn({ ...FORM, project: 'demo' }));
    expect([denied.kind, denied.message]).toEqual([
      'unauthenticated',
      'Keystone refused: The request you have made requires authentication.',
    ]);

    const down = (async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:5999') });
    }) as unknown as typeof fetch;
    const unreachable = await refusal(() => new KeystoneSignIn('http://k', 1000, down).signIn(FORM));
    expect([unreachable.kind, unreachable.message]).toEqual([
      'unavailable',
      'Keystone does not answer (connect ECONNREFUSED 127.0.0.1:5999); try again shortly.',
    ]);

    const failing = await refusal(() =>
      new KeystoneSignIn('http://k', 1000, fakeKeystone(new Response('oops', { status: 500 }))).signIn(FORM),
    );
    expect([failing.kind, failing.message]).toEqual(['unavailable', 'Keystone answered 500: HTTP 500; try again shortly.']);
    for (const error of [denied, unreachable, failing]) expect(error.message).not.toContain(PASSWORD);
  });
});
