import { CommandError } from './cli-errors';
import { type TokensFile, credentialsOf } from './credentials';

const FILE: TokensFile = {
  path: '/tmp/lbt-tokens.json',
  text: JSON.stringify({ admin: { token: 'admin-token' }, demo: { token: 'demo-token' }, other: { token: 'other-token' } }),
};
const file = () => FILE;
const none = () => null;

describe('credentialsOf', () => {
  it('defaults to the local API and the demo token of the dev tokens file', () => {
    expect(credentialsOf({}, {}, file)).toEqual({ url: 'http://127.0.0.1:9696', token: 'demo-token' });
  });

  it('takes the endpoint from --os-url over LBAAS_API_URL, without a trailing slash', () => {
    expect(credentialsOf({ osUrl: 'http://127.0.0.2:9000/' }, { LBAAS_API_URL: 'http://127.0.0.3:1' }, file).url).toBe('http://127.0.0.2:9000');
    expect(credentialsOf({}, { LBAAS_API_URL: 'http://127.0.0.3:1' }, file).url).toBe('http://127.0.0.3:1');
  });

  it.each([
    [{ osToken: 'flag' }, { OS_TOKEN: 'os', LBAAS_TOKEN: 'lbaas' }, 'flag'],
    [{ osTenant: 'admin' }, { OS_TOKEN: 'os' }, 'admin-token'],
    [{}, { OS_TOKEN: 'os', LBAAS_TOKEN: 'lbaas' }, 'os'],
    [{}, { LBAAS_TOKEN: 'lbaas' }, 'lbaas'],
    [{}, { OS_TOKEN: '' }, 'demo-token'],
  ])('picks the token: flags %j, environment %j', (flags, env, token) => {
    expect(credentialsOf(flags, env, file).token).toBe(token);
  });

  it('does not read the tokens file when a token is given', () => {
    const unreadable = () => {
      throw new Error('read');
    };
    expect(credentialsOf({}, { OS_TOKEN: 'os' }, unreadable).token).toBe('os');
  });

  it.each([
    [{}, {}, none, 'No token: pass --os-token, set OS_TOKEN or LBAAS_TOKEN, or run `make up` to write .lbaas/dev-tokens.json.'],
    [{ osTenant: 'admin' }, {}, none, '--os-tenant admin reads .lbaas/dev-tokens.json (written by `make up`) or LBAAS_TOKENS_FILE; neither was found.'],
    [{ osTenant: 'root' }, {}, file, '/tmp/lbt-tokens.json has no token for \'root\'; it has: admin, demo, other.'],
    [{}, {}, () => ({ path: '/tmp/x.json', text: '{' }), '/tmp/x.json is not JSON.'],
    [{ osUrl: 'nowhere' }, {}, file, "Not a URL: 'nowhere' (--os-url or LBAAS_API_URL)."],
    [{ osUrl: 'ftp://127.0.0.1' }, {}, file, "Not an http(s) URL: 'ftp://127.0.0.1' (--os-url or LBAAS_API_URL)."],
  ])('explains what is missing: flags %j', (flags, env, tokensFile, message) => {
    expect(() => credentialsOf(flags, env, tokensFile)).toThrow(new CommandError(message));
  });
});
