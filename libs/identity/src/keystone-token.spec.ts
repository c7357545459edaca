import { isPlausibleToken, MAX_TOKEN_LENGTH, tokenOutcome } from './keystone-token';

const NOW = Date.parse('2030-01-01T00:00:00Z');
const user = { id: 'u1', name: 'demo', domain: { id: 'default', name: 'Default' } };
const at = (ms: number) => new Date(ms).toISOString();

describe('tokenOutcome', () => {
  it('takes the project as tenant and every role name Keystone lists, implied ones included', () => {
    const body = { token: { user, project: { id: 'p1', name: 'demo' }, roles: [{ id: 'r1', name: 'admin' }, { id: 'r2', name: 'member' }, { id: 'r3', name: 'reader' }], expires_at: at(NOW + 1000) } };
    expect(tokenOutcome(body, NOW)).toEqual({
      kind: 'principal', expiresAtMs: NOW + 1000,
      principal: { actor: 'keystone:u1:demo', tenantId: 'p1', roles: ['admin', 'member', 'reader'], source: 'keystone', userId: 'u1', userName: 'demo' },
    });
  });

  it('gives a token without roles no roles', () => {
    const outcome = tokenOutcome({ token: { user, project: { id: 'p1', name: 'demo' }, expires_at: at(NOW + 1) } }, NOW);
    expect(outcome.kind === 'principal' && outcome.principal.roles).toEqual([]);
  });

  it.each([
    ['no body', null],
    ['no token', {}],
    ['no user', { token: { project: { id: 'p', name: 'p' }, expires_at: at(NOW + 1000) } }],
    ['a user without an id', { token: { user: { name: 'x' }, project: { id: 'p', name: 'p' }, expires_at: at(NOW + 1000) } }],
    ['no expires_at', { token: { user, project: { id: 'p', name: 'p' } } }],
    ['a malformed expires_at', { token: { user, project: { id: 'p', name: 'p' }, expires_at: 'soon' } }],
    ['an expires_at now', { token: { user, project: { id: 'p', name: 'p' }, expires_at: at(NOW) } }],
  ])('makes %s an invalid token', (_desc, body) => {
    expect(tokenOutcome(body, NOW)).toEqual({ kind: 'invalid' });
  });

  it.each([
    ['system', { system: { all: true } }, 'this token is system-scoped'],
    ['domain', { domain: { id: 'default', name: 'Default' } }, 'this token is domain-scoped'],
    ['no', {}, 'this token is unscoped'],
  ])('refuses a token with %s scope until it expires', (_desc, scope, why) => {
    expect(tokenOutcome({ token: { user, ...scope, roles: [{ id: 'r', name: 'admin' }], expires_at: at(NOW + 5) } }, NOW)).toEqual({
      kind: 'refused', message: `A project-scoped token is required: ${why}.`, expiresAtMs: NOW + 5,
    });
  });
});

describe('isPlausibleToken', () => {
  it.each([
    'gAAAAABmZ2x1c3Rlcg-_abc',
    'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
    'MIIB+/abc==',
    'x'.repeat(MAX_TOKEN_LENGTH),
  ])('takes %s', (token) => expect(isPlausibleToken(token)).toBe(true));

  it.each(['', 'x'.repeat(MAX_TOKEN_LENGTH + 1), 'a b', 'a=b', 'é', 'a\u0000', 'a;b', 'a,b', '"a"'])('refuses %j', (token) => expect(isPlausibleToken(token)).toBe(false));
});
