import { withChanges } from './configs';
import {
  type LbHealthMonitorConfig,
  type LbMemberConfig,
  type LbPoolConfig,
  type ListenerConfig,
  type ListenerTimeouts,
  type LoadBalancerConfig,
  PROVIDER_NAME,
} from './model';

/*
 * Octavia's defaults for what a create leaves out, in one place: the api fills a body with them,
 * the upcasters an older event, and specs, fixtures and benches build whole configurations from a
 * few fields. Each builder takes the fields Octavia requires plus any others; a given field wins,
 * an `undefined` one keeps the default.
 */

/** Octavia's listener timeouts' defaults, in milliseconds. */
export const DEFAULT_TIMEOUTS: ListenerTimeouts = {
  timeoutClientData: 50_000,
  timeoutMemberConnect: 5_000,
  timeoutMemberData: 50_000,
  timeoutTcpInspect: 0,
};

/** The HTTP(S) monitor's request and the answer it expects, unless given. */
export const HTTP_MONITOR_DEFAULTS = { httpMethod: 'GET', urlPath: '/', expectedCodes: '200' } as const;

type WithRequired<T, K extends keyof T> = Pick<T, K> & Partial<T>;

export type LoadBalancerFields = WithRequired<LoadBalancerConfig, 'id' | 'projectId' | 'vip'>;
export type ListenerFields = WithRequired<ListenerConfig, 'id' | 'protocol' | 'protocolPort'>;
export type PoolFields = WithRequired<LbPoolConfig, 'id' | 'protocol' | 'lbAlgorithm'>;
export type MemberFields = WithRequired<LbMemberConfig, 'id' | 'address' | 'protocolPort'>;
export type MonitorFields = WithRequired<LbHealthMonitorConfig, 'id' | 'type' | 'delay' | 'timeout' | 'maxRetries'>;

export const loadBalancerWithDefaults = (fields: LoadBalancerFields): LoadBalancerConfig =>
  withChanges<LoadBalancerConfig>(
    {
      id: fields.id,
      projectId: fields.projectId,
      name: '',
      description: '',
      vip: fields.vip,
      adminStateUp: true,
      provider: PROVIDER_NAME,
      flavorId: null,
      availabilityZone: null,
      tags: [],
    },
    fields,
  );

/** TLS settings stay null: the decider gives a TERMINATED_HTTPS listener Octavia's TLS defaults. */
export const listenerWithDefaults = (fields: ListenerFields): ListenerConfig =>
  withChanges<ListenerConfig>(
    {
      id: fields.id,
      name: '',
      description: '',
      protocol: fields.protocol,
      protocolPort: fields.protocolPort,
      connectionLimit: -1,
      defaultPoolId: null,
      defaultTlsContainerRef: null,
      defaultTlsCertificateId: null,
      insertHeaders: {},
      ...DEFAULT_TIMEOUTS,
      adminStateUp: true,
      tags: [],
      sniContainerRefs: [],
      sniCertificateIds: [],
      clientCaTlsContainerRef: null,
      clientCaCertificateId: null,
      clientAuthentication: 'NONE',
      clientCrlContainerRef: null,
      clientCrlCertificateId: null,
      tlsCiphers: null,
      tlsVersions: null,
      alpnProtocols: null,
      allowedCidrs: [],
    },
    fields,
  );

/** Plain text toward the members unless `tlsEnabled`; the decider gives a TLS-enabled pool Octavia's TLS defaults. */
export const poolWithDefaults = (fields: PoolFields): LbPoolConfig =>
  withChanges<LbPoolConfig>(
    {
      id: fields.id,
      name: '',
      description: '',
      protocol: fields.protocol,
      lbAlgorithm: fields.lbAlgorithm,
      sessionPersistence: null,
      adminStateUp: true,
      tags: [],
      tlsEnabled: false,
      tlsContainerRef: null,
      tlsCertificateId: null,
      caTlsContainerRef: null,
      caCertificateId: null,
      crlContainerRef: null,
      crlCertificateId: null,
      tlsCiphers: null,
      tlsVersions: null,
      alpnProtocols: null,
    },
    fields,
  );

export const memberWithDefaults = (fields: MemberFields): LbMemberConfig =>
  withChanges<LbMemberConfig>(
    {
      id: fields.id,
      name: '',
      address: fields.address,
      protocolPort: fields.protocolPort,
      weight: 1,
      backup: false,
      monitorAddress: null,
      monitorPort: null,
      subnetId: null,
      adminStateUp: true,
      tags: [],
    },
    fields,
  );

/** HTTP and HTTPS monitors get Octavia's request and expected codes; the others have none (null). */
export const monitorWithDefaults = (fields: MonitorFields): LbHealthMonitorConfig => {
  const http = fields.type === 'HTTP' || fields.type === 'HTTPS';
  return withChanges<LbHealthMonitorConfig>(
    {
      id: fields.id,
      name: '',
      type: fields.type,
      delay: fields.delay,
      timeout: fields.timeout,
      maxRetries: fields.maxRetries,
      maxRetriesDown: 3,
      httpMethod: http ? HTTP_MONITOR_DEFAULTS.httpMethod : null,
      urlPath: http ? HTTP_MONITOR_DEFAULTS.urlPath : null,
      expectedCodes: http ? HTTP_MONITOR_DEFAULTS.expectedCodes : null,
      httpVersion: null,
      domainName: null,
      adminStateUp: true,
      tags: [],
    },
    fields,
  );
};
