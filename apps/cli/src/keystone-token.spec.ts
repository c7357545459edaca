import { CommandError } from './cli-errors';
import { networkEndpointOf, type ProjectToken, requestProjectToken, tokensUrlOf } from './keystone-token';
import type { KeystonePasswordAuth } from './openstack-config';

const PASSWORD = 'pw-that-must-never-show';
const AUTH: KeystonePasswordAuth = {
  authUrl: 'http://127.0.0.1:5999/v3',
  user: { name: 'demo', domain: { id: 'default' } },
  password: PASSWORD,
  project: { name: 'demo', domain: { id: 'default' } },
  regionName: null,
  interface: 'public',
  origin: "cloud 'lbaas-demo' of /tmp/clouds.yaml",
};

/** A Keystone that answers one canned response. */
const answering = (status: number, body: unknown, headers: Record<string, string> = {}): typeof fetch =>
  (async () => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers })) as unknown as typeof fetch;

async function refusal(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof CommandError) return error.message;
    throw error;
  }
  throw new Error('no error');
}

describe('tokensUrlOf', () => {
  it.each([
    ['http://127.0.0.1:5000/v3', 'http://127.0.0.1:5000/v3/auth/tokens'],
    ['http://127.0.0.1:5000/v3/', 'http://127.0.0.1:5000/v3/auth/tokens'],
    ['http://127.0.0.1:5000', 'http://127.0.0.1:5000/v3/auth/tokens'],
    ['http://127.0.0.1/identity', 'http://127.0.0.1/identity/v3/auth/tokens'],
  ])('%s -> %s', (authUrl, url) => expect(tokensUrlOf(authUrl)).toBe(url));

  it('refuses the v2.0 API and what is no URL', () => {
    expect(() => tokensUrlOf('http://127.0.0.1:5000/v2.0')).toThrow('names the v2.0 API; lbaas speaks v3: use http://127.0.0.1:5000/v3.');
    expect(() => tokensUrlOf('keystone')).toThrow("Not a URL: Keystone's auth URL 'keystone'.");
  });
});

describe('requestProjectToken', () => {
  it("says Keystone's own words when it refuses the password, and never the password", async () => {
    const body = { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } };
    const message = await refusal(() => requestProjectToken(AUTH, answering(401, body)));
    expect(message).toBe(
      "Keystone refused to authenticate user 'demo' (cloud 'lbaas-demo' of /tmp/clouds.yaml): 401 Unauthorized: The request you have made requires authentication.",
    );
    expect(message).not.toContain(PASSWORD);
  });

  it('says where Keystone could not be reached', async () => {
    const refused = (async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:5999') });
    }) as unknown as typeof fetch;
    expect(await refusal(() => requestProjectToken(AUTH, refused))).toBe(
      "Unable to reach Keystone at http://127.0.0.1:5999/v3/auth/tokens (cloud 'lbaas-demo' of /tmp/clouds.yaml): connect ECONNREFUSED 127.0.0.1:5999",
    );
  });

  it.each([
    ['a server error', answering(503, 'Service Unavailable'), "Keystone answered 503 to the token request of user 'demo': no reason given"],
    [
      'no X-Subject-Token',
      answering(201, { token: { project: { id: 'p' } } }),
      'Keystone at http://127.0.0.1:5999/v3/auth/tokens answered 201 without a token.',
    ],
    [
      'an unscoped token',
      answering(201, { token: {} }, { 'X-Subject-Token': 't' }),
      "Keystone gave user 'demo' a token without a project; the API needs a project-scoped token.",
    ],
  ])('refuses %s', async (_desc, keystone, message) => {
    expect(await refusal(() => requestProjectToken(AUTH, keystone))).toBe(message);
  });

  it('reads the token, the project and the catalog', async () => {
    const catalog = [
      { type: 'network', name: 'neutron', endpoints: [{ interface: 'public', region_id: 'RegionOne', url: 'http://127.0.0.1:9696' }] },
    ];
    const issued = await requestProjectToken(
      AUTH,
      answering(201, { token: { project: { id: 'p1', name: 'demo' }, catalog } }, { 'X-Subject-Token': 'tok' }),
    );
    expect(issued).toEqual({
      token: 'tok',
      projectName: 'demo',
      catalog: [
        { type: 'network', name: 'neutron', endpoints: [{ interface: 'public', region: 'RegionOne', url: 'http://127.0.0.1:9696' }] },
      ],
    });
  });
});

describe('networkEndpointOf', () => {
  const endpoint = (iface: string, region: string, url: string) => ({ interface: iface, region, url });
  const issued: ProjectToken = {
    token: 't',
    projectName: 'demo',
    catalog: [
      { type: 'identity', name: 'keystone', endpoints: [endpoint('public', 'RegionOne', 'http://127.0.0.1:5000/v3')] },
      {
        type: 'network',
        name: 'neutron',
        endpoints: [
          endpoint('internal', 'RegionOne', 'http://127.0.0.1:9000'),
          endpoint('public', 'RegionOne', 'http://127.0.0.1:9696/'),
          endpoint('public', 'RegionTwo', 'http://127.0.0.2:9696'),
        ],
      },
    ],
  };

  it.each([
    ['public', null, 'http://127.0.0.1:9696'],
    ['public', 'RegionTwo', 'http://127.0.0.2:9696'],
    ['internal', 'RegionOne', 'http://127.0.0.1:9000'],
  ])('interface %s, region %s -> %s', (iface, regionName, url) => {
    expect(networkEndpointOf(issued, { interface: iface, regionName })).toBe(url);
  });

  it('names what the catalog has when it has no network endpoint', () => {
    expect(() => networkEndpointOf(issued, { interface: 'admin', regionName: 'RegionOne' })).toThrow(
      new CommandError(
        "Keystone's catalog for project demo has no endpoint of type network (interface admin, region RegionOne); it has: identity, network. Pass --os-url or set LBAAS_API_URL.",
      ),
    );
  });
});
