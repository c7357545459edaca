import { Conflict, NotFound, ValidationError } from '../errors';
import { given } from '../testing/given-when-then';
import type { ListenerChanges } from './commands';
import { loadBalancerDecider } from './decider';
import type { LoadBalancerEvent } from './events';
import type { ListenerConfig, ListenerProtocol, PoolProtocol } from './model';
import { MAX_TIMEOUT_MS } from './object-checks';
import { DEFAULT_ALPN_PROTOCOLS, DEFAULT_TLS_CIPHERS, DEFAULT_TLS_VERSIONS } from './tls-options';
import {
  at,
  errored,
  LB,
  lbCreated,
  listenerCreated,
  listenerUpdated,
  poolCreated,
  refusalOf,
  sampleListener,
  samplePool,
  servedHistory,
} from './samples';

const create = (listener: ListenerConfig) => ({ type: 'CreateListener', data: { loadBalancerId: LB, listener, at: at(10) } }) as const;
const update = (changes: ListenerChanges, listenerId = 'listener-1') =>
  ({ type: 'UpdateListener', data: { loadBalancerId: LB, listenerId, changes, at: at(10) } }) as const;
const withPools: LoadBalancerEvent[] = [
  lbCreated(0),
  poolCreated(1, samplePool('pool-http')),
  poolCreated(2, samplePool('pool-tcp', { protocol: 'TCP' })),
];
const TLS = {
  defaultTlsContainerRef: 'https://lbaas.test/v1/containers/cert-1',
  defaultTlsCertificateId: 'cert-1',
  tlsCiphers: DEFAULT_TLS_CIPHERS,
  tlsVersions: [...DEFAULT_TLS_VERSIONS],
  alpnProtocols: [...DEFAULT_ALPN_PROTOCOLS],
};

describe('CreateListener', () => {
  it('creates a listener', () =>
    given(loadBalancerDecider, [lbCreated(0)])
      .when(create(sampleListener('l', 80)))
      .then([listenerCreated(10, sampleListener('l', 80))]));

  it('creates one with a default pool of its load balancer', () =>
    given(loadBalancerDecider, withPools)
      .when(create(sampleListener('l', 80, { defaultPoolId: 'pool-http' })))
      .then([listenerCreated(10, sampleListener('l', 80, { defaultPoolId: 'pool-http' }))]));

  it('creates a second listener on another port of the same load balancer', () =>
    given(loadBalancerDecider, servedHistory())
      .when(create(sampleListener('l2', 8080, { protocol: 'TCP' })))
      .then([listenerCreated(10, sampleListener('l2', 8080, { protocol: 'TCP' }))]));

  it('creates a TERMINATED_HTTPS listener with its certificate and the headers it may insert', () => {
    const listener = sampleListener('l', 443, {
      protocol: 'TERMINATED_HTTPS',
      ...TLS,
      insertHeaders: { 'X-Forwarded-For': 'true', 'X-Forwarded-Proto': 'True', 'X-Forwarded-Port': 'false' },
    });
    given(loadBalancerDecider, [lbCreated(0)])
      .when(create(listener))
      .then([listenerCreated(10, listener)]);
  });

  const matrix: [ListenerProtocol, PoolProtocol, boolean][] = (['HTTP', 'HTTPS', 'TCP', 'TERMINATED_HTTPS'] as const).flatMap((listener) =>
    (['HTTP', 'HTTPS', 'TCP', 'PROXY', 'PROXYV2'] as const).map((pool): [ListenerProtocol, PoolProtocol, boolean] => [
      listener,
      pool,
      {
        HTTP: ['HTTP', 'PROXY', 'PROXYV2'],
        HTTPS: ['HTTPS', 'TCP', 'PROXY', 'PROXYV2'],
        TCP: ['HTTP', 'HTTPS', 'TCP', 'PROXY', 'PROXYV2'],
        TERMINATED_HTTPS: ['HTTP', 'PROXY', 'PROXYV2'],
      }[listener].includes(pool),
    ]),
  );
  it.each(matrix)("a %s listener's default pool of protocol %s: accepted %s", (protocol, poolProtocol, accepted) => {
    const history = [lbCreated(0), poolCreated(1, samplePool('p', { protocol: poolProtocol }))];
    const listener = sampleListener('l', 80, { protocol, defaultPoolId: 'p', ...(protocol === 'TERMINATED_HTTPS' ? TLS : {}) });
    if (accepted)
      given(loadBalancerDecider, history)
        .when(create(listener))
        .then([listenerCreated(10, listener)]);
    else
      expect(refusalOf(history, create(listener))).toMatchObject({
        neutronType: 'ValidationException',
        message: `Validation failure: The pool protocol '${poolProtocol}' is invalid while the listener protocol is '${protocol}'.`,
      });
  });

  it("refuses a port another listener has, in Octavia's words", () =>
    expect(refusalOf(servedHistory(), create(sampleListener('l2', 80, { protocol: 'TCP' })))).toMatchObject({
      kind: 'conflict',
      neutronType: 'DuplicateListenerEntry',
      message: 'Another Listener on this Load Balancer is already using protocol HTTP and protocol_port 80',
    }));

  it.each([
    { desc: 'port 0', change: { protocolPort: 0 }, message: "protocol_port. Value: '0'. Value should be greater or equal to 1" },
    { desc: 'port 65536', change: { protocolPort: 65536 }, message: 'Value should be lower or equal to 65535' },
    { desc: 'a fractional port', change: { protocolPort: 80.5 }, message: 'Value should be an integer' },
    { desc: 'connection_limit -2', change: { connectionLimit: -2 }, message: 'connection_limit' },
    { desc: 'a negative timeout', change: { timeoutClientData: -1 }, message: 'timeout_client_data' },
    { desc: 'a timeout over 24 days', change: { timeoutMemberData: MAX_TIMEOUT_MS + 1 }, message: 'timeout_member_data' },
    { desc: 'a fractional timeout', change: { timeoutMemberConnect: 1.5 }, message: 'timeout_member_connect' },
    { desc: 'a negative inspect timeout', change: { timeoutTcpInspect: -1 }, message: 'timeout_tcp_inspect' },
    { desc: 'a long name', change: { name: 'n'.repeat(256) }, message: 'field/attribute name' },
    { desc: 'a long description', change: { description: 'd'.repeat(256) }, message: 'field/attribute description' },
    { desc: 'an empty tag', change: { tags: [''] }, message: 'field/attribute tags' },
    { desc: 'a header value that is no boolean', change: { insertHeaders: { 'X-Forwarded-For': 'yes' } }, message: 'insert_headers' },
  ])('refuses $desc as invalid input', ({ change, message }) => {
    const error = refusalOf([lbCreated(0)], create(sampleListener('l', 80, change)));
    expect(error).toMatchObject({ kind: 'invalid', neutronType: 'InvalidInput' });
    expect(error.message).toContain(message);
  });

  it.each([
    { desc: 'no limit', connectionLimit: -1 },
    { desc: 'a limit of 0', connectionLimit: 0 },
    { desc: 'a limit', connectionLimit: 50000 },
  ])('takes $desc of connections', ({ connectionLimit }) =>
    given(loadBalancerDecider, [lbCreated(0)])
      .when(create(sampleListener('l', 80, { connectionLimit })))
      .then([listenerCreated(10, sampleListener('l', 80, { connectionLimit }))]),
  );

  it('takes timeouts at both ends of their range', () => {
    const listener = sampleListener('l', 80, {
      timeoutClientData: 0,
      timeoutMemberConnect: MAX_TIMEOUT_MS,
      timeoutMemberData: 0,
      timeoutTcpInspect: MAX_TIMEOUT_MS,
    });
    given(loadBalancerDecider, [lbCreated(0)])
      .when(create(listener))
      .then([listenerCreated(10, listener)]);
  });

  it.each([
    { protocol: 'UDP' as const, limit: "UDP needs IPVS, which this provider's nodes do not have" },
    { protocol: 'SCTP' as const, limit: "SCTP needs IPVS, which this provider's nodes do not have" },
    { protocol: 'PROMETHEUS' as const, limit: 'PROMETHEUS listeners' },
  ])("refuses a $protocol listener as a limit of the provider 'lbaas'", ({ protocol, limit }) =>
    expect(refusalOf([lbCreated(0)], create(sampleListener('l', 80, { protocol })))).toMatchObject({
      kind: 'invalid',
      neutronType: 'ProviderUnsupportedOptionError',
      message: expect.stringContaining(`Provider 'lbaas' does not support a requested option: ${limit}`),
    }),
  );

  it('refuses a TERMINATED_HTTPS listener without a certificate', () =>
    expect(refusalOf([lbCreated(0)], create(sampleListener('l', 443, { protocol: 'TERMINATED_HTTPS' })))).toMatchObject({
      neutronType: 'ValidationException',
      message:
        'Validation failure: An SNI or default certificate container reference must be provided for TERMINATED_HTTPS protocol listeners.',
    }));

  it.each(['HTTP', 'HTTPS', 'TCP'] as const)('refuses a certificate on a %s listener', (protocol) =>
    expect(refusalOf([lbCreated(0)], create(sampleListener('l', 443, { protocol, ...TLS })))).toMatchObject({
      neutronType: 'ValidationException',
      message: `Validation failure: Certificate container references are not allowed on ${protocol} protocol listeners.`,
    }),
  );

  it.each<{ desc: string; change: Partial<ListenerConfig>; type: string; message: string }>([
    {
      desc: 'on a TCP listener',
      change: { protocol: 'TCP' as const, insertHeaders: { 'X-Forwarded-For': 'true' } },
      type: 'InvalidOption',
      message: 'insert-headers is not a valid option for a TCP protocol listener.',
    },
    {
      desc: 'on an HTTPS listener',
      change: { protocol: 'HTTPS' as const, insertHeaders: { 'X-Forwarded-For': 'true' } },
      type: 'InvalidOption',
      message: 'insert-headers is not a valid option for a HTTPS protocol listener.',
    },
    {
      desc: 'that Octavia does not know',
      change: { insertHeaders: { 'X-Custom': 'true' } },
      type: 'InvalidOption',
      message: 'X-Custom is not a valid option for insert_headers',
    },
    {
      desc: 'of a client certificate on an HTTP listener (TERMINATED_HTTPS only)',
      change: { insertHeaders: { 'X-SSL-Client-DN': 'true' } },
      type: 'InvalidOption',
      message: 'X-SSL-Client-DN is not a valid option for HTTP protocol listener.',
    },
  ])('refuses headers to insert $desc', ({ change, type, message }) => {
    const error = refusalOf([lbCreated(0)], create(sampleListener('l', 80, change)));
    expect(error).toMatchObject({ kind: 'invalid', neutronType: type });
    expect(error.message).toContain(message);
  });

  it('answers 404 for a default pool that is not on the load balancer', () =>
    expect(refusalOf([lbCreated(0)], create(sampleListener('l', 80, { defaultPoolId: 'pool-x' })))).toMatchObject({
      kind: 'not-found',
      neutronType: 'PoolNotFound',
      message: 'Pool pool-x not found.',
    }));

  it('refuses an id the load balancer already has', () =>
    given(loadBalancerDecider, servedHistory())
      .when(create(sampleListener('listener-1', 81)))
      .thenThrows(Conflict, 'IDAlreadyExists'));

  it('answers 404 when the load balancer is absent', () =>
    given(loadBalancerDecider)
      .when(create(sampleListener('l')))
      .thenThrows(NotFound, 'LoadBalancerNotFound'));
});

describe('UpdateListener', () => {
  const served = sampleListener('listener-1', 80, { defaultPoolId: 'pool-1' });

  it.each([
    { desc: 'the name', changes: { name: 'front' } },
    { desc: 'the admin state', changes: { adminStateUp: false } },
    { desc: 'the connection limit', changes: { connectionLimit: 100 } },
    { desc: 'the default pool (to none)', changes: { defaultPoolId: null } },
    { desc: 'the headers', changes: { insertHeaders: { 'X-Forwarded-For': 'true' } } },
    { desc: 'a timeout', changes: { timeoutClientData: 1000 } },
    { desc: 'the tags', changes: { tags: ['a'] } },
  ])('carries the whole configuration when changing $desc', ({ changes }) =>
    given(loadBalancerDecider, servedHistory())
      .when(update(changes))
      .then([listenerUpdated(10, { ...served, ...changes })]),
  );

  it('moves the listener to another pool it can send to', () =>
    given(loadBalancerDecider, [...servedHistory(), poolCreated(7, samplePool('pool-2', { protocol: 'PROXY' }))])
      .when(update({ defaultPoolId: 'pool-2' }))
      .then([listenerUpdated(10, { ...served, defaultPoolId: 'pool-2' })]));

  it('keeps protocol and port whatever the command carries', () =>
    given(loadBalancerDecider, servedHistory())
      .when(update({ name: 'x', protocol: 'TCP', protocolPort: 81 } as ListenerChanges))
      .then([listenerUpdated(10, { ...served, name: 'x' })]));

  it('appends nothing when nothing changes', () =>
    given(loadBalancerDecider, servedHistory())
      .when(update({ name: 'listener-1' }))
      .then([]));

  it('tries again when nothing changes but the listener is in ERROR', () =>
    given(loadBalancerDecider, [...servedHistory(), listenerUpdated(7, { ...served, name: 'x' }), errored(8, 'haproxy -c refused it')])
      .when(update({}))
      .then([listenerUpdated(10, { ...served, name: 'x' })]));

  it('refuses a default pool the listener cannot send to', () =>
    given(loadBalancerDecider, [...servedHistory(), poolCreated(7, samplePool('pool-tcp', { protocol: 'TCP' }))])
      .when(update({ defaultPoolId: 'pool-tcp' }))
      .thenThrows(ValidationError, 'ValidationException'));

  it("refuses to take a TERMINATED_HTTPS listener's certificate away", () =>
    given(loadBalancerDecider, [
      lbCreated(0),
      listenerCreated(1, sampleListener('listener-1', 443, { protocol: 'TERMINATED_HTTPS', ...TLS })),
    ])
      .when(update({ defaultTlsContainerRef: null, defaultTlsCertificateId: null }))
      .thenThrows(ValidationError, 'ValidationException'));

  it("changes a TERMINATED_HTTPS listener's certificate", () => {
    const listener = sampleListener('listener-1', 443, { protocol: 'TERMINATED_HTTPS', ...TLS });
    given(loadBalancerDecider, [lbCreated(0), listenerCreated(1, listener)])
      .when(update({ defaultTlsContainerRef: 'cert-2', defaultTlsCertificateId: 'cert-2' }))
      .then([listenerUpdated(10, { ...listener, defaultTlsContainerRef: 'cert-2', defaultTlsCertificateId: 'cert-2' })]);
  });

  it('answers 404 for a default pool that is not on the load balancer', () =>
    given(loadBalancerDecider, servedHistory())
      .when(update({ defaultPoolId: 'pool-x' }))
      .thenThrows(NotFound, 'PoolNotFound'));

  it('answers 404 for a listener the load balancer does not have', () =>
    expect(refusalOf(servedHistory(), update({ name: 'x' }, 'listener-x'))).toMatchObject({
      kind: 'not-found',
      neutronType: 'ListenerNotFound',
      message: 'Listener listener-x not found.',
    }));
});

describe('DeleteListener', () => {
  const remove = (listenerId: string) => ({ type: 'DeleteListener', data: { loadBalancerId: LB, listenerId, at: at(10) } }) as const;

  it('deletes a listener and leaves its default pool', () => {
    given(loadBalancerDecider, servedHistory())
      .when(remove('listener-1'))
      .then([{ type: 'ListenerDeleted', version: 1, data: { loadBalancerId: LB, listenerId: 'listener-1', at: at(10) } }]);
    const rows = loadBalancerDecider.views(
      given(loadBalancerDecider, [
        ...servedHistory(),
        ...loadBalancerDecider.decide(remove('listener-1'), given(loadBalancerDecider, servedHistory()).state),
      ]).state,
    );
    expect(rows.listeners).toEqual([]);
    expect(rows.octavia_pools?.map((p) => [p.id, p.listeners])).toEqual([['pool-1', []]]);
  });

  it('answers 404 for a listener the load balancer does not have', () =>
    given(loadBalancerDecider, servedHistory()).when(remove('listener-x')).thenThrows(NotFound, 'ListenerNotFound'));
});
