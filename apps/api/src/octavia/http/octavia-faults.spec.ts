import { Conflict, Forbidden, NotFound, Unavailable, ValidationError } from '@lbaas/domain';
import { AuthenticationError } from '@lbaas/identity';
import { HttpException } from '@nestjs/common';
import { HttpError } from '../../http/errors';
import { POLICY_REFUSAL, toOctaviaFault } from './octavia-faults';

describe("Octavia's fault body", () => {
  it.each([
    ['a validation error', new ValidationError('Validation failure: bad'), 400, 'Client', 'Validation failure: bad'],
    ['a policy refusal, whatever its words', new Forbidden('os_load-balancer_api:loadbalancer:get_one'), 403, 'Client', POLICY_REFUSAL],
    ['a missing object', new NotFound('LoadBalancer', 'x', 'Load Balancer x not found.'), 404, 'Client', 'Load Balancer x not found.'],
    [
      'a conflict',
      new Conflict('DuplicateListenerEntry', 'Another Listener on this Load Balancer is already using protocol_port 80'),
      409,
      'Client',
      'Another Listener on this Load Balancer is already using protocol_port 80',
    ],
    ['the event log down', new Unavailable('no quorum'), 503, 'Server', 'no quorum'],
    ['an edge error', new HttpError(413, 'HTTPRequestEntityTooLarge', 'too large'), 413, 'Client', 'too large'],
    ['a 405', new HttpError(405, 'MethodNotAllowed', 'no'), 405, 'Client', 'no'],
    [
      'a Content-Type that is no media type (Fastify refuses it)',
      new HttpException('Unsupported Media Type', 415),
      415,
      'Client',
      'Unsupported Media Type.',
    ],
  ])('answers %s', (_desc, error, status, faultcode, faultstring) => {
    expect(toOctaviaFault(error)).toEqual({ status, body: { faultcode, faultstring, debuginfo: null }, unexpected: false });
  });

  it('answers 401 with the challenge, and 503 when the identity service is unavailable', () => {
    const challenged = toOctaviaFault(new AuthenticationError('unauthenticated', 'Authentication required', 'Keystone uri="http://k"'));
    expect(challenged).toMatchObject({
      status: 401,
      body: { faultcode: 'Client', faultstring: 'Authentication required' },
      challenge: 'Keystone uri="http://k"',
    });
    expect(toOctaviaFault(new AuthenticationError('unavailable', 'Keystone does not answer'))).toMatchObject({
      status: 503,
      body: { faultcode: 'Server' },
    });
  });

  it('answers anything else as an opaque 500 to be logged', () => {
    const fault = toOctaviaFault(new Error('secret detail'));
    expect(fault).toMatchObject({ status: 500, unexpected: true, body: { faultcode: 'Server', debuginfo: null } });
    expect(fault.body.faultstring).not.toContain('secret');
  });
});
