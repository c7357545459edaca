import { Conflict, ConcurrencyConflict, Forbidden, NotFound, Unavailable, ValidationError } from '@lbaas/domain';
import { AuthenticationError } from '@lbaas/identity';
import { HttpException } from '@nestjs/common';
import { HttpError, STATUS_OF_KIND, toNeutronError } from './errors';

describe('toNeutronError', () => {
  it.each([
    ['a missing pool', new NotFound('Pool', 'p1'), 404, 'PoolNotFound', 'Pool p1 could not be found.'],
    ['a missing floating IP', new NotFound('FloatingIP', 'f1'), 404, 'FloatingIPNotFound', 'FloatingIP f1 could not be found.'],
    [
      'a second VIP',
      new Conflict('VipExists', 'Another Vip already exists for pool p1'),
      409,
      'VipExists',
      'Another Vip already exists for pool p1',
    ],
    ['a pool in use', new Conflict('PoolInUse', 'Pool p1 is still in use'), 409, 'PoolInUse', 'Pool p1 is still in use'],
    [
      'a concurrent update',
      new ConcurrencyConflict('lbaas.events.pool.p1'),
      409,
      'Conflict',
      'Concurrent update of lbaas.events.pool.p1; retry the request.',
    ],
    [
      'a cross-field rule',
      new ValidationError('delay must be greater than or equal to timeout'),
      400,
      'HTTPBadRequest',
      'delay must be greater than or equal to timeout',
    ],
    [
      'a protocol mismatch',
      new ValidationError('Protocol TCP does not match the pool protocol HTTP', 'ProtocolMismatch'),
      400,
      'ProtocolMismatch',
      'Protocol TCP does not match the pool protocol HTTP',
    ],
    [
      'another tenant_id',
      new Forbidden('Tenant t1 may not create resources for tenant t2.'),
      403,
      'PolicyNotAuthorized',
      'Tenant t1 may not create resources for tenant t2.',
    ],
    [
      'an unreachable event log',
      new Unavailable('The event log is not reachable'),
      503,
      'ServiceUnavailable',
      'The event log is not reachable',
    ],
    [
      'an edge error',
      new HttpError(405, 'HTTPMethodNotAllowed', 'Method PATCH is not allowed'),
      405,
      'HTTPMethodNotAllowed',
      'Method PATCH is not allowed',
    ],
    [
      'a missing token',
      new HttpError(401, 'HTTPUnauthorized', 'Authentication required'),
      401,
      'HTTPUnauthorized',
      'Authentication required',
    ],
  ])('maps %s to its status and Neutron type', (_desc, error, status, type, message) => {
    expect(toNeutronError(error)).toEqual({ status, body: { NeutronError: { type, message, detail: '' } }, unexpected: false });
  });

  it('carries the detail a domain error gives', () => {
    const { body } = toNeutronError(new Conflict('IpAddressInUse', 'Address 198.18.1.10 is in use', 'subnet s1'));
    expect(body.NeutronError.detail).toBe('subnet s1');
  });

  it.each([
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a thrown string', 'boom'],
    ['a thrown null', null],
    ['an error with a secret in its message', new Error('connect failed: token s3cr3t-token-value')],
  ])('turns %s into an opaque 500 that tells nothing of the inside', (_desc, error) => {
    const mapped = toNeutronError(error);
    expect(mapped.status).toBe(500);
    expect(mapped.unexpected).toBe(true);
    expect(mapped.body.NeutronError.type).toBe('HTTPInternalServerError');
    const text = JSON.stringify(mapped.body);
    expect(text).not.toMatch(/at |TypeError|undefined|boom|s3cr3t/);
  });

  it('answers an authentication failure 401 with its challenge, and an identity source that cannot answer 503', () => {
    expect(
      toNeutronError(new AuthenticationError('unauthenticated', 'Authentication required', 'Keystone uri="http://127.0.0.1:5000"')),
    ).toEqual({
      status: 401,
      body: { NeutronError: { type: 'HTTPUnauthorized', message: 'Authentication required', detail: '' } },
      unexpected: false,
      challenge: 'Keystone uri="http://127.0.0.1:5000"',
    });
    expect(toNeutronError(new AuthenticationError('unauthenticated', 'Authentication required'))).not.toHaveProperty('challenge');
    expect(toNeutronError(new AuthenticationError('unavailable', 'Keystone is not answering')).status).toBe(503);
  });

  it("answers Fastify's refusal of a Content-Type that is no media type 415, not as an unexpected failure", () => {
    expect(toNeutronError(new HttpException('Unsupported Media Type', 415))).toEqual({
      status: 415,
      body: {
        NeutronError: {
          type: 'HTTPUnsupportedMediaType',
          message: 'Unsupported Media Type.',
          detail: '',
        },
      },
      unexpected: false,
    });
  });

  it("keeps Nest's HttpExceptions other than a client error opaque", () => {
    expect(toNeutronError(new HttpException('upstream detail', 502))).toMatchObject({ status: 500, unexpected: true });
  });

  it('maps every kind of domain error to a status', () => {
    expect(STATUS_OF_KIND).toEqual({ invalid: 400, forbidden: 403, 'not-found': 404, conflict: 409, unavailable: 503 });
  });
});
