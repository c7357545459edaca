import { Conflict, NotFound, ValidationError } from '../errors';
import { given } from '../testing/given-when-then';
import type { LbHealthMonitorChanges } from './commands';
import { loadBalancerDecider } from './decider';
import type { LbHealthMonitorConfig } from './model';
import {
  at,
  LB,
  lbCreated,
  monitorCreated,
  monitorUpdated,
  poolCreated,
  refusalOf,
  sampleMonitor,
  samplePool,
  servedHistory,
} from './samples';

const createMonitor = (monitor: LbHealthMonitorConfig, poolId = 'pool-2') =>
  ({ type: 'CreateLbHealthMonitor', data: { loadBalancerId: LB, poolId, monitor, at: at(10) } }) as const;
const updateMonitor = (changes: LbHealthMonitorChanges, monitorId = 'hm-1') =>
  ({ type: 'UpdateLbHealthMonitor', data: { loadBalancerId: LB, monitorId, changes, at: at(10) } }) as const;
const deleteMonitor = (monitorId: string) =>
  ({ type: 'DeleteLbHealthMonitor', data: { loadBalancerId: LB, monitorId, at: at(10) } }) as const;
const withBarePool = [...servedHistory(), poolCreated(7, samplePool('pool-2'))];

describe('CreateLbHealthMonitor', () => {
  const unset = { httpMethod: null, urlPath: null, expectedCodes: null };

  it("gives an HTTP monitor Octavia's defaults", () =>
    given(loadBalancerDecider, withBarePool)
      .when(createMonitor(sampleMonitor('hm-2', unset)))
      .then([monitorCreated(10, 'pool-2', sampleMonitor('hm-2'))]));

  it.each(['TCP', 'PING', 'TLS-HELLO'] as const)('creates a %s monitor without HTTP fields', (type) =>
    given(loadBalancerDecider, withBarePool)
      .when(createMonitor(sampleMonitor('hm-2', { type, ...unset })))
      .then([monitorCreated(10, 'pool-2', sampleMonitor('hm-2', { type, ...unset }))]),
  );

  it('creates an HTTPS monitor with its own method, path, codes, version and domain', () => {
    const monitor = sampleMonitor('hm-2', {
      type: 'HTTPS',
      httpMethod: 'HEAD',
      urlPath: '/health?deep=1',
      expectedCodes: '200-204',
      httpVersion: 1.1,
      domainName: 'app.example.test',
    });
    given(loadBalancerDecider, withBarePool)
      .when(createMonitor(monitor))
      .then([monitorCreated(10, 'pool-2', monitor)]);
  });

  it.each([
    { desc: 'an HTTP method', change: { httpMethod: 'GET' }, message: 'http_method is not a valid option for health monitors of type TCP' },
    { desc: 'a URL path', change: { urlPath: '/' }, message: 'url_path is not a valid option for health monitors of type TCP' },
    {
      desc: 'expected codes',
      change: { expectedCodes: '200' },
      message: 'expected_codes is not a valid option for health monitors of type TCP',
    },
    {
      desc: 'an HTTP version',
      change: { httpVersion: 1.1 },
      message: 'http_version is not a valid option for health monitors of type TCP',
    },
    {
      desc: 'a domain name',
      change: { domainName: 'a.test' },
      message: 'domain_name is not a valid option for health monitors of type TCP',
    },
  ])('refuses $desc on a TCP monitor', ({ change, message }) =>
    expect(refusalOf(withBarePool, createMonitor(sampleMonitor('hm-2', { type: 'TCP', ...unset, ...change })))).toMatchObject({
      neutronType: 'InvalidOption',
      message,
    }),
  );

  it.each([
    { desc: 'a delay of 0', change: { delay: 0 }, type: 'InvalidInput' },
    { desc: 'a timeout of 0', change: { timeout: 0 }, type: 'InvalidInput' },
    { desc: 'a timeout over the delay', change: { delay: 3, timeout: 4 }, type: 'ValidationException' },
    { desc: 'max_retries 0', change: { maxRetries: 0 }, type: 'InvalidInput' },
    { desc: 'max_retries 11', change: { maxRetries: 11 }, type: 'InvalidInput' },
    { desc: 'max_retries_down 0', change: { maxRetriesDown: 0 }, type: 'InvalidInput' },
    { desc: 'max_retries_down 11', change: { maxRetriesDown: 11 }, type: 'InvalidInput' },
    { desc: 'an unknown method', change: { httpMethod: 'FETCH' }, type: 'InvalidInput' },
    { desc: 'a relative path', change: { urlPath: 'health' }, type: 'InvalidInput' },
    { desc: 'a path with a space', change: { urlPath: '/a b' }, type: 'InvalidInput' },
    { desc: 'codes that are no status', change: { expectedCodes: '2xx' }, type: 'InvalidInput' },
    { desc: 'a backwards range of codes', change: { expectedCodes: '204-200' }, type: 'InvalidInput' },
    { desc: 'HTTP/2', change: { httpVersion: 2 }, type: 'InvalidInput' },
    { desc: 'a domain without a version', change: { domainName: 'a.test' }, type: 'ValidationException' },
    { desc: 'a domain with HTTP/1.0', change: { domainName: 'a.test', httpVersion: 1.0 }, type: 'InvalidOption' },
    { desc: 'a domain that is no name', change: { domainName: '-bad-.test', httpVersion: 1.1 }, type: 'InvalidInput' },
    { desc: 'a long name', change: { name: 'n'.repeat(256) }, type: 'InvalidInput' },
  ])('refuses $desc', ({ change, type }) =>
    given(loadBalancerDecider, withBarePool)
      .when(createMonitor(sampleMonitor('hm-2', change)))
      .thenThrows(ValidationError, type),
  );

  it('words the domain rules as Octavia does', () => {
    expect(refusalOf(withBarePool, createMonitor(sampleMonitor('hm-2', { domainName: 'a.test' }))).message).toBe(
      "Validation failure: 'http_version' must be specified when 'domain_name' is provided.",
    );
    expect(refusalOf(withBarePool, createMonitor(sampleMonitor('hm-2', { domainName: 'a.test', httpVersion: 1.0 }))).message).toBe(
      'http_version 1.0 is not a valid option for health monitors HTTP 1.1 domain name health check',
    );
  });

  it('takes a timeout equal to the delay, and 1 and 10 retries', () => {
    const monitor = sampleMonitor('hm-2', { delay: 3, timeout: 3, maxRetries: 1, maxRetriesDown: 10 });
    given(loadBalancerDecider, withBarePool)
      .when(createMonitor(monitor))
      .then([monitorCreated(10, 'pool-2', monitor)]);
  });

  it.each(['UDP-CONNECT', 'SCTP'] as const)("refuses a %s monitor as a limit of the provider 'lbaas'", (type) =>
    expect(refusalOf(withBarePool, createMonitor(sampleMonitor('hm-2', { type, ...unset })))).toMatchObject({
      neutronType: 'ProviderUnsupportedOptionError',
      message: expect.stringContaining(`Provider 'lbaas' does not support a requested option: ${type} health monitors`),
    }),
  );

  it('refuses a second monitor on a pool', () =>
    expect(refusalOf(servedHistory(), createMonitor(sampleMonitor('hm-2'), 'pool-1'))).toMatchObject({
      kind: 'conflict',
      neutronType: 'DuplicateHealthMonitor',
      message: 'This pool already has a health monitor',
    }));

  it('refuses an id another monitor of the load balancer has', () =>
    given(loadBalancerDecider, withBarePool)
      .when(createMonitor(sampleMonitor('hm-1')))
      .thenThrows(Conflict, 'IDAlreadyExists'));

  it('answers 404 for a pool the load balancer does not have', () =>
    given(loadBalancerDecider, withBarePool)
      .when(createMonitor(sampleMonitor('hm-2'), 'pool-x'))
      .thenThrows(NotFound, 'PoolNotFound'));
});

describe('UpdateLbHealthMonitor', () => {
  it.each([
    { desc: 'the delay', changes: { delay: 10 } },
    { desc: 'the retries', changes: { maxRetries: 5, maxRetriesDown: 2 } },
    { desc: 'the path and codes', changes: { urlPath: '/ready', expectedCodes: '200,204' } },
    { desc: 'the admin state', changes: { adminStateUp: false } },
  ])('carries the whole configuration when changing $desc', ({ changes }) =>
    given(loadBalancerDecider, servedHistory())
      .when(updateMonitor(changes))
      .then([monitorUpdated(10, 'pool-1', sampleMonitor('hm-1', changes))]),
  );

  it('puts an HTTP field set to null back to its default', () =>
    given(loadBalancerDecider, [
      ...servedHistory(),
      monitorUpdated(7, 'pool-1', sampleMonitor('hm-1', { urlPath: '/ready', httpMethod: 'HEAD' })),
    ])
      .when(updateMonitor({ urlPath: null, httpMethod: null }))
      .then([monitorUpdated(10, 'pool-1', sampleMonitor('hm-1'))]));

  it('keeps the type whatever the command carries', () =>
    given(loadBalancerDecider, servedHistory())
      .when(updateMonitor({ type: 'TCP' } as LbHealthMonitorChanges))
      .then([]));

  it('refuses HTTP fields on a TCP monitor', () =>
    given(loadBalancerDecider, [
      lbCreated(0),
      poolCreated(1, samplePool('pool-1')),
      monitorCreated(2, 'pool-1', sampleMonitor('hm-1', { type: 'TCP', httpMethod: null, urlPath: null, expectedCodes: null })),
    ])
      .when(updateMonitor({ urlPath: '/' }))
      .thenThrows(ValidationError, 'InvalidOption'));

  it('refuses a timeout over the new delay', () =>
    given(loadBalancerDecider, servedHistory())
      .when(updateMonitor({ delay: 2 }))
      .thenThrows(ValidationError, 'ValidationException'));

  it('answers 404 for a monitor the load balancer does not have', () =>
    expect(refusalOf(servedHistory(), updateMonitor({ delay: 9 }, 'hm-x'))).toMatchObject({
      neutronType: 'HealthMonitorNotFound',
      message: 'Health Monitor hm-x not found.',
    }));
});

describe('DeleteLbHealthMonitor', () => {
  it("deletes a pool's monitor", () =>
    given(loadBalancerDecider, servedHistory())
      .when(deleteMonitor('hm-1'))
      .then([
        { type: 'LbHealthMonitorDeleted', version: 1, data: { loadBalancerId: LB, poolId: 'pool-1', monitorId: 'hm-1', at: at(10) } },
      ]));

  it('answers 404 for a monitor the load balancer does not have', () =>
    given(loadBalancerDecider, servedHistory()).when(deleteMonitor('hm-x')).thenThrows(NotFound, 'HealthMonitorNotFound'));
});
