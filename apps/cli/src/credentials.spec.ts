import { CommandError } from './cli-errors';
import { type CredentialSources, type TokensFile, credentialsOf } from './credentials';
import type { CloudsFile } from './openstack-config';

const FILE: TokensFile = {
  path: '/tmp/lbt-tokens.json',
  text: JSON.stringify({ admin: { token: 'admin-token' }, demo: { token: 'demo-token' }, other: { token: 'other-token' } }),
};
const CLOUDS: CloudsFile = {
  path: '/tmp/lbt-clouds.yaml',
  text: [
    'clouds:',
    '  lbaas-demo:',
    '    auth: {auth_url: "http://127.0.0.1:5999/v3", username: demo, password: s3cret-pw, project_name: demo, user_domain_name: Default, project_domain_name: Default}',
    '    region_name: RegionOne',
  ].join('\n'),
};
const SUBJECT_TOKEN = 'gAAAAAB-keystone-subject-token';

/** Keystone's answer to a password request: the token in X-Subject-Token, the catalog in the body. */
function fakeKeystone(networkUrl = 'http://127.0.0.1:9797/'): typeof fetch & { bodies: unknown[]; urls: string[] } {
  const bodies: unknown[] = [];
  const urls: string[] = [];
  const impl = async (url: string | URL | Request, init?: RequestInit) => {
    urls.push(String(url));
    bodies.push(JSON.parse(String(init?.body)));
    const token = {
      project: { id: 'p-demo', name: 'demo' },
      catalog: [
        {
          type: 'network',
          name: 'neutron',
          endpoints: [{ interface: 'public', region_id: 'RegionOne', region: 'RegionOne', url: networkUrl }],
        },
      ],
    };
    return new Response(JSON.stringify({ token }), {
      status: 201,
      headers: { 'X-Subject-Token': SUBJECT_TOKEN, 'Content-Type': 'application/json' },
    });
  };
  return Object.assign(impl as typeof fetch, { bodies, urls });
}
const unused = (() => {
  throw new Error('Keystone asked');
}) as unknown as typeof fetch;

const sources = (over: Partial<CredentialSources> = {}): CredentialSources => ({
  tokensFile: () => FILE,
  cloudsFile: () => CLOUDS,
  cloudsSearched: ['/tmp/lbt-clouds.yaml'],
  fetch: unused,
  ...over,
});

describe('credentialsOf', () => {
  it('defaults to the local API and the demo token of the dev tokens file', async () => {
    await expect(credentialsOf({}, {}, sources())).resolves.toEqual({ url: 'http://127.0.0.1:9696', token: 'demo-token' });
  });

  it('takes the endpoint from --os-url over LBAAS_API_URL, without a trailing slash', async () => {
    expect((await credentialsOf({ osUrl: 'http://127.0.0.2:9000/' }, { LBAAS_API_URL: 'http://127.0.0.3:1' }, sources())).url).toBe(
      'http://127.0.0.2:9000',
    );
    expect((await credentialsOf({}, { LBAAS_API_URL: 'http://127.0.0.3:1' }, sources())).url).toBe('http://127.0.0.3:1');
  });

  it.each([
    [{ osToken: 'flag' }, { OS_TOKEN: 'os', LBAAS_TOKEN: 'lbaas', OS_CLOUD: 'lbaas-demo' }, 'flag'],
    [{ osTenant: 'admin' }, { OS_TOKEN: 'os', OS_CLOUD: 'lbaas-demo' }, 'admin-token'],
    [{}, { OS_TOKEN: 'os', LBAAS_TOKEN: 'lbaas', OS_CLOUD: 'lbaas-demo' }, 'os'],
    [{}, { LBAAS_TOKEN: 'lbaas', OS_AUTH_URL: 'http://127.0.0.1:5999' }, 'lbaas'],
    [{}, { OS_TOKEN: '' }, 'demo-token'],
  ])('picks the token without Keystone: flags %j, environment %j', async (flags, env, token) => {
    expect((await credentialsOf(flags, env, sources())).token).toBe(token);
  });

  it('does not read the tokens file when a token is given', async () => {
    const unreadable = () => {
      throw new Error('read');
    };
    expect((await credentialsOf({}, { OS_TOKEN: 'os' }, sources({ tokensFile: unreadable }))).token).toBe('os');
  });

  it("asks Keystone for a project-scoped token as OS_CLOUD's user, and takes the API from the catalog", async () => {
    const keystone = fakeKeystone();
    const credentials = await credentialsOf({}, { OS_CLOUD: 'lbaas-demo' }, sources({ fetch: keystone, tokensFile: () => null }));
    expect(credentials).toEqual({ url: 'http://127.0.0.1:9797', token: SUBJECT_TOKEN });
    expect(keystone.urls).toEqual(['http://127.0.0.1:5999/v3/auth/tokens']);
    expect(keystone.bodies).toEqual([
      {
        auth: {
          identity: { methods: ['password'], password: { user: { name: 'demo', domain: { name: 'Default' }, password: 's3cret-pw' } } },
          scope: { project: { name: 'demo', domain: { name: 'Default' } } },
        },
      },
    ]);
  });

  it('prefers --os-cloud over a token in the environment, and --os-url over the catalog', async () => {
    const credentials = await credentialsOf(
      { osCloud: 'lbaas-demo', osUrl: 'http://127.0.0.4:1' },
      { OS_TOKEN: 'os' },
      sources({ fetch: fakeKeystone() }),
    );
    expect(credentials).toEqual({ url: 'http://127.0.0.4:1', token: SUBJECT_TOKEN });
  });

  it('authenticates from OS_AUTH_URL and the other OS_* variables, with the default domain', async () => {
    const keystone = fakeKeystone();
    const env = { OS_AUTH_URL: 'http://127.0.0.1:5999', OS_USERNAME: 'demo', OS_PASSWORD: 'pw', OS_PROJECT_NAME: 'demo' };
    expect((await credentialsOf({}, env, sources({ fetch: keystone }))).url).toBe('http://127.0.0.1:9797');
    expect(keystone.bodies[0]).toEqual({
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'demo', domain: { id: 'default' }, password: 'pw' } } },
        scope: { project: { name: 'demo', domain: { id: 'default' } } },
      },
    });
  });

  it.each([
    [
      {},
      {},
      sources({ tokensFile: () => null }),
      'No credentials: set OS_CLOUD (clouds.yaml) or OS_AUTH_URL, OS_USERNAME, OS_PASSWORD and OS_PROJECT_NAME for Keystone, pass --os-token or set OS_TOKEN, or run `make up` to write .lbaas/dev-tokens.json.',
    ],
    [
      { osTenant: 'admin' },
      {},
      sources({ tokensFile: () => null }),
      '--os-tenant admin reads .lbaas/dev-tokens.json (written by `make up`) or LBAAS_TOKENS_FILE; neither was found.',
    ],
    [{ osTenant: 'root' }, {}, sources(), "/tmp/lbt-tokens.json has no token for 'root'; it has: admin, demo, other."],
    [{}, {}, sources({ tokensFile: () => ({ path: '/tmp/x.json', text: '{' }) }), '/tmp/x.json is not JSON.'],
    [{ osUrl: 'nowhere' }, {}, sources(), "Not a URL: 'nowhere' (--os-url or LBAAS_API_URL)."],
    [{ osUrl: 'ftp://127.0.0.1' }, {}, sources(), "Not an http(s) URL: 'ftp://127.0.0.1' (--os-url or LBAAS_API_URL)."],
    [
      {},
      { OS_CLOUD: 'lbaas-demo' },
      sources({ fetch: fakeKeystone('nowhere') }),
      "Not a URL: 'nowhere' (the network endpoint of Keystone's catalog).",
    ],
    [
      {},
      { OS_CLOUD: 'x' },
      sources({ cloudsFile: () => null }),
      "Cloud 'x' (--os-cloud or OS_CLOUD) needs a clouds.yaml, but there is none: looked in /tmp/lbt-clouds.yaml.",
    ],
  ])('explains what is missing: flags %j, environment %j', async (flags, env, from, message) => {
    await expect(credentialsOf(flags, env, from)).rejects.toEqual(new CommandError(message));
  });
});
