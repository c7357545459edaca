import type {
  L7PolicyConfig,
  L7RuleConfig,
  LbHealthMonitorConfig,
  LbMemberConfig,
  LbPoolConfig,
  ListenerConfig,
  LoadBalancerConfig,
} from './model';

/*
 * Each object's configuration, field by field: what its events carry, taken from a command (which
 * may hold more, as the api built it) or from the state (which holds provisioning too). Payload
 * schemas refuse any other field, so a leak fails the specs.
 */
export const loadBalancerConfig = (c: LoadBalancerConfig): LoadBalancerConfig => ({
  id: c.id,
  projectId: c.projectId,
  name: c.name,
  description: c.description,
  vip: {
    address: c.vip.address,
    subnetId: c.vip.subnetId,
    networkId: c.vip.networkId,
    portId: c.vip.portId,
    qosPolicyId: c.vip.qosPolicyId,
  },
  adminStateUp: c.adminStateUp,
  provider: c.provider,
  flavorId: c.flavorId,
  availabilityZone: c.availabilityZone,
  tags: [...c.tags],
});

export const listenerConfig = (c: ListenerConfig): ListenerConfig => ({
  id: c.id,
  name: c.name,
  description: c.description,
  protocol: c.protocol,
  protocolPort: c.protocolPort,
  connectionLimit: c.connectionLimit,
  defaultPoolId: c.defaultPoolId,
  defaultTlsContainerRef: c.defaultTlsContainerRef,
  defaultTlsCertificateId: c.defaultTlsCertificateId,
  insertHeaders: { ...c.insertHeaders },
  timeoutClientData: c.timeoutClientData,
  timeoutMemberConnect: c.timeoutMemberConnect,
  timeoutMemberData: c.timeoutMemberData,
  timeoutTcpInspect: c.timeoutTcpInspect,
  adminStateUp: c.adminStateUp,
  tags: [...c.tags],
  sniContainerRefs: [...c.sniContainerRefs],
  sniCertificateIds: [...c.sniCertificateIds],
  clientCaTlsContainerRef: c.clientCaTlsContainerRef,
  clientCaCertificateId: c.clientCaCertificateId,
  clientAuthentication: c.clientAuthentication,
  clientCrlContainerRef: c.clientCrlContainerRef,
  clientCrlCertificateId: c.clientCrlCertificateId,
  tlsCiphers: c.tlsCiphers,
  tlsVersions: c.tlsVersions === null ? null : [...c.tlsVersions],
  alpnProtocols: c.alpnProtocols === null ? null : [...c.alpnProtocols],
  allowedCidrs: [...c.allowedCidrs],
});

export const poolConfig = (c: LbPoolConfig): LbPoolConfig => ({
  id: c.id,
  name: c.name,
  description: c.description,
  protocol: c.protocol,
  lbAlgorithm: c.lbAlgorithm,
  sessionPersistence:
    c.sessionPersistence === null
      ? null
      : {
          type: c.sessionPersistence.type,
          cookieName: c.sessionPersistence.cookieName,
          persistenceTimeout: c.sessionPersistence.persistenceTimeout,
          persistenceGranularity: c.sessionPersistence.persistenceGranularity,
        },
  adminStateUp: c.adminStateUp,
  tags: [...c.tags],
  tlsEnabled: c.tlsEnabled,
  tlsContainerRef: c.tlsContainerRef,
  tlsCertificateId: c.tlsCertificateId,
  caTlsContainerRef: c.caTlsContainerRef,
  caCertificateId: c.caCertificateId,
  crlContainerRef: c.crlContainerRef,
  crlCertificateId: c.crlCertificateId,
  tlsCiphers: c.tlsCiphers,
  tlsVersions: c.tlsVersions === null ? null : [...c.tlsVersions],
  alpnProtocols: c.alpnProtocols === null ? null : [...c.alpnProtocols],
});

export const memberConfig = (c: LbMemberConfig): LbMemberConfig => ({
  id: c.id,
  name: c.name,
  address: c.address,
  protocolPort: c.protocolPort,
  weight: c.weight,
  backup: c.backup,
  monitorAddress: c.monitorAddress,
  monitorPort: c.monitorPort,
  subnetId: c.subnetId,
  adminStateUp: c.adminStateUp,
  tags: [...c.tags],
});

export const monitorConfig = (c: LbHealthMonitorConfig): LbHealthMonitorConfig => ({
  id: c.id,
  name: c.name,
  type: c.type,
  delay: c.delay,
  timeout: c.timeout,
  maxRetries: c.maxRetries,
  maxRetriesDown: c.maxRetriesDown,
  httpMethod: c.httpMethod,
  urlPath: c.urlPath,
  expectedCodes: c.expectedCodes,
  httpVersion: c.httpVersion,
  domainName: c.domainName,
  adminStateUp: c.adminStateUp,
  tags: [...c.tags],
});

export const l7PolicyConfig = (c: L7PolicyConfig): L7PolicyConfig => ({
  id: c.id,
  name: c.name,
  description: c.description,
  action: c.action,
  redirectPoolId: c.redirectPoolId,
  redirectUrl: c.redirectUrl,
  redirectPrefix: c.redirectPrefix,
  redirectHttpCode: c.redirectHttpCode,
  position: c.position,
  adminStateUp: c.adminStateUp,
  tags: [...c.tags],
});

export const l7RuleConfig = (c: L7RuleConfig): L7RuleConfig => ({
  id: c.id,
  type: c.type,
  compareType: c.compareType,
  key: c.key,
  value: c.value,
  invert: c.invert,
  adminStateUp: c.adminStateUp,
  tags: [...c.tags],
});

/** `current` with every change that is not `undefined`: an absent field and an explicit `undefined` both keep the value. */
export function withChanges<T extends object>(current: T, changes: Partial<T>): T {
  const merged = { ...current };
  for (const key of Object.keys(changes) as (keyof T)[]) {
    const value = changes[key];
    if (value !== undefined) merged[key] = value as T[keyof T];
  }
  return merged;
}

/** Configurations are JSON data built field by field in one order, so their texts compare them. */
export const sameConfig = <T>(a: T, b: T): boolean => JSON.stringify(a) === JSON.stringify(b);
