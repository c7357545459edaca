import { CommandError } from './cli-errors';
import { type CloudsFile, cloudsFileCandidates, keystoneAuthOf } from './openstack-config';

const clouds =
  (text: string): (() => CloudsFile) =>
  () => ({ path: '/tmp/lbt-clouds.yaml', text });
const none = () => null;
const CLOUDS = `
clouds:
  lbaas-demo:
    auth:
      auth_url: http://127.0.0.1:5999/v3
      username: demo
      password: demo-pw
      project_name: demo
      user_domain_name: Default
      project_domain_id: default
    region_name: RegionOne
    interface: internal
    identity_api_version: 3
  by-id:
    auth: {auth_url: "http://127.0.0.1:5999", user_id: u1, project_id: p1}
  token-cloud:
    auth_type: token
    auth: {auth_url: "http://127.0.0.1:5999", token: t}
`;

describe('cloudsFileCandidates', () => {
  it('searches where the OpenStack tools do, OS_CLIENT_CONFIG_FILE first', () => {
    expect(cloudsFileCandidates({ OS_CLIENT_CONFIG_FILE: '/srv/c.yaml' }, '/work', '/home/u')).toEqual([
      '/srv/c.yaml',
      '/work/clouds.yaml',
      '/home/u/.config/openstack/clouds.yaml',
      '/etc/openstack/clouds.yaml',
    ]);
    expect(cloudsFileCandidates({}, '/work', '/home/u')[0]).toBe('/work/clouds.yaml');
  });
});

describe('keystoneAuthOf', () => {
  it('asks for nothing without OS_CLOUD or OS_AUTH_URL', () => {
    expect(keystoneAuthOf(undefined, { OS_USERNAME: 'demo', OS_PASSWORD: 'x' }, none, [])).toBeNull();
  });

  it('reads a cloud of clouds.yaml: user, project, their domains, region and interface', () => {
    expect(keystoneAuthOf(undefined, { OS_CLOUD: 'lbaas-demo' }, clouds(CLOUDS), [])).toEqual({
      authUrl: 'http://127.0.0.1:5999/v3',
      user: { name: 'demo', domain: { name: 'Default' } },
      password: 'demo-pw',
      project: { name: 'demo', domain: { id: 'default' } },
      regionName: 'RegionOne',
      interface: 'internal',
      origin: "cloud 'lbaas-demo' of /tmp/lbt-clouds.yaml",
    });
  });

  it('takes --os-cloud over OS_CLOUD, ids over names, and OS_PASSWORD when the cloud holds none', () => {
    const auth = keystoneAuthOf('by-id', { OS_CLOUD: 'lbaas-demo', OS_PASSWORD: 'from-env' }, clouds(CLOUDS), []);
    expect(auth).toMatchObject({ user: { id: 'u1' }, project: { id: 'p1' }, password: 'from-env', regionName: null, interface: 'public' });
  });

  it('reads OS_* variables, with the v2 project names and a shared domain', () => {
    const env = {
      OS_AUTH_URL: 'http://127.0.0.1:5999/v3',
      OS_USERNAME: 'demo',
      OS_PASSWORD: 'pw',
      OS_TENANT_NAME: 'demo',
      OS_DOMAIN_NAME: 'Lab',
      OS_INTERFACE: 'publicURL',
    };
    expect(keystoneAuthOf(undefined, env, none, [])).toEqual({
      authUrl: 'http://127.0.0.1:5999/v3',
      user: { name: 'demo', domain: { name: 'Lab' } },
      password: 'pw',
      project: { name: 'demo', domain: { name: 'Lab' } },
      regionName: null,
      interface: 'public',
      origin: 'the OS_* environment',
    });
  });

  it.each([
    [{ OS_CLOUD: 'nope' }, clouds(CLOUDS), "/tmp/lbt-clouds.yaml has no cloud 'nope'; it has: lbaas-demo, by-id, token-cloud."],
    [
      { OS_CLOUD: 'by-id' },
      clouds(CLOUDS),
      "cloud 'by-id' of /tmp/lbt-clouds.yaml has no auth.password (or OS_PASSWORD): Keystone password authentication needs it.",
    ],
    [
      { OS_CLOUD: 'token-cloud' },
      clouds(CLOUDS),
      "cloud 'token-cloud' of /tmp/lbt-clouds.yaml uses auth_type token; lbaas supports password.",
    ],
    [{ OS_CLOUD: 'x' }, clouds('clouds: [unclosed'), expect.stringMatching(/^\/tmp\/lbt-clouds\.yaml is not YAML: /)],
    [
      { OS_AUTH_URL: 'http://k', OS_PASSWORD: 'pw', OS_PROJECT_NAME: 'p' },
      none,
      'the OS_* environment has no OS_USERNAME: Keystone password authentication needs it.',
    ],
    [
      { OS_AUTH_URL: 'http://k', OS_USERNAME: 'u', OS_PROJECT_NAME: 'p' },
      none,
      'the OS_* environment has no OS_PASSWORD: Keystone password authentication needs it.',
    ],
    [
      { OS_AUTH_URL: 'http://k', OS_USERNAME: 'u', OS_PASSWORD: 'pw' },
      none,
      'the OS_* environment has no OS_PROJECT_NAME (the API needs a project-scoped token): Keystone password authentication needs it.',
    ],
  ])('explains what is wrong: %j', (env, file, message) => {
    let thrown: unknown;
    try {
      keystoneAuthOf(undefined, env, file, []);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CommandError);
    expect((thrown as CommandError).message).toEqual(message);
  });
});
