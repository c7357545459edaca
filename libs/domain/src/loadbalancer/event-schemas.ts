import { Type } from '@sinclair/typebox';
import { TOPOLOGIES } from '../catalog/model';
import { nullable, payloadObject, payloadSchemas } from '../payload-schema';
import { literalUnion } from '../resource-schemas';
import type { LoadBalancerEvent } from './events';
import {
  ALPN_PROTOCOLS,
  CLIENT_AUTHENTICATIONS,
  HEALTH_MONITOR_TYPES,
  L7POLICY_ACTIONS,
  L7RULE_COMPARE_TYPES,
  L7RULE_TYPES,
  LB_ALGORITHMS,
  LISTENER_PROTOCOLS,
  POOL_PROTOCOLS,
  REDIRECT_HTTP_CODES,
  TLS_VERSIONS,
} from './model';

/*
 * Each object's configuration has a title, its TypeScript name: the event catalogue defines it
 * once and every event that carries the whole object refers to it.
 */
const Tags = Type.Array(Type.String());
const TlsVersions = nullable(Type.Array(literalUnion(TLS_VERSIONS)));
const AlpnProtocols = nullable(Type.Array(literalUnion(ALPN_PROTOCOLS)));
const Ref = (what: string) => nullable(Type.String({ description: `${what}: the reference as the client sent it.` }));
const CertificateId = (what: string) => nullable(Type.String({ description: `The certificate the ${what} reference names.` }));
const At = Type.String({ description: 'When the change was decided (ISO 8601), as the command gave it.' });

export const LoadBalancerConfigSchema = Type.Object(
  {
    id: Type.String(),
    projectId: Type.String(),
    name: Type.String(),
    description: Type.String(),
    vip: Type.Object(
      {
        address: Type.String(),
        subnetId: Type.String(),
        networkId: Type.String(),
        portId: Type.String(),
        qosPolicyId: nullable(Type.String()),
      },
      { additionalProperties: false },
    ),
    adminStateUp: Type.Boolean(),
    provider: Type.String(),
    flavorId: nullable(Type.String()),
    availabilityZone: nullable(Type.String()),
    tags: Tags,
  },
  { title: 'LoadBalancerConfig', additionalProperties: false, description: "An Octavia load balancer's settings and its VIP." },
);

export const ListenerConfigSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    protocol: literalUnion(LISTENER_PROTOCOLS),
    protocolPort: Type.Integer(),
    connectionLimit: Type.Integer({ description: '-1 for no limit.' }),
    defaultPoolId: nullable(Type.String()),
    defaultTlsContainerRef: nullable(Type.String({ description: 'The reference as the client sent it: a certificate id or its URL.' })),
    defaultTlsCertificateId: nullable(Type.String({ description: 'The certificate the reference names (TERMINATED_HTTPS only).' })),
    insertHeaders: Type.Record(Type.String(), Type.String()),
    timeoutClientData: Type.Integer({ description: 'Milliseconds.' }),
    timeoutMemberConnect: Type.Integer({ description: 'Milliseconds.' }),
    timeoutMemberData: Type.Integer({ description: 'Milliseconds.' }),
    timeoutTcpInspect: Type.Integer({ description: 'Milliseconds.' }),
    adminStateUp: Type.Boolean(),
    tags: Tags,
    sniContainerRefs: Type.Array(Type.String(), { description: 'SNI certificate references as sent.' }),
    sniCertificateIds: Type.Array(Type.String(), { description: 'The certificates they name, in the same order.' }),
    clientCaTlsContainerRef: Ref('The client CA'),
    clientCaCertificateId: CertificateId('client CA (kind ca)'),
    clientAuthentication: literalUnion(CLIENT_AUTHENTICATIONS),
    clientCrlContainerRef: Ref('The client revocation list'),
    clientCrlCertificateId: CertificateId('revocation list (kind crl)'),
    tlsCiphers: nullable(Type.String({ description: 'OpenSSL cipher string (TERMINATED_HTTPS).' })),
    tlsVersions: TlsVersions,
    alpnProtocols: AlpnProtocols,
    allowedCidrs: Type.Array(Type.String(), { description: 'Source CIDRs admitted; empty admits all.' }),
  },
  { title: 'ListenerConfig', additionalProperties: false, description: "An Octavia listener's settings." },
);

export const LbPoolConfigSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    protocol: literalUnion(POOL_PROTOCOLS),
    lbAlgorithm: literalUnion(LB_ALGORITHMS),
    sessionPersistence: nullable(
      Type.Object(
        {
          type: literalUnion(['SOURCE_IP', 'HTTP_COOKIE', 'APP_COOKIE'] as const),
          cookieName: nullable(Type.String()),
          persistenceTimeout: nullable(Type.Integer()),
          persistenceGranularity: nullable(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    adminStateUp: Type.Boolean(),
    tags: Tags,
    tlsEnabled: Type.Boolean({ description: 'Re-encryption: TLS towards the members.' }),
    tlsContainerRef: Ref('The client certificate presented to members'),
    tlsCertificateId: CertificateId('client certificate'),
    caTlsContainerRef: Ref("The CA members' certificates are verified against"),
    caCertificateId: CertificateId('CA (kind ca)'),
    crlContainerRef: Ref('The revocation list'),
    crlCertificateId: CertificateId('revocation list (kind crl)'),
    tlsCiphers: nullable(Type.String()),
    tlsVersions: TlsVersions,
    alpnProtocols: AlpnProtocols,
  },
  { title: 'LbPoolConfig', additionalProperties: false, description: "An Octavia pool's settings, without its members and monitor." },
);

export const LbMemberConfigSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    address: Type.String(),
    protocolPort: Type.Integer(),
    weight: Type.Integer({ description: '0..256; 0 drains the member.' }),
    backup: Type.Boolean(),
    monitorAddress: nullable(Type.String()),
    monitorPort: nullable(Type.Integer()),
    subnetId: nullable(Type.String()),
    adminStateUp: Type.Boolean(),
    tags: Tags,
  },
  { title: 'LbMemberConfig', additionalProperties: false, description: "An Octavia member's settings." },
);

export const LbHealthMonitorConfigSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    type: literalUnion(HEALTH_MONITOR_TYPES),
    delay: Type.Integer({ description: 'Seconds.' }),
    timeout: Type.Integer({ description: 'Seconds.' }),
    maxRetries: Type.Integer(),
    maxRetriesDown: Type.Integer(),
    httpMethod: nullable(Type.String()),
    urlPath: nullable(Type.String()),
    expectedCodes: nullable(Type.String()),
    httpVersion: nullable(Type.Number()),
    domainName: nullable(Type.String()),
    adminStateUp: Type.Boolean(),
    tags: Tags,
  },
  {
    title: 'LbHealthMonitorConfig',
    additionalProperties: false,
    description: "An Octavia health monitor's settings (HTTP fields null unless HTTP or HTTPS).",
  },
);

export const L7PolicyConfigSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    action: literalUnion(L7POLICY_ACTIONS),
    redirectPoolId: nullable(Type.String()),
    redirectUrl: nullable(Type.String()),
    redirectPrefix: nullable(Type.String()),
    redirectHttpCode: nullable(Type.Union(REDIRECT_HTTP_CODES.map((c) => Type.Literal(c)))),
    position: Type.Integer({ description: "1-based place among the listener's policies." }),
    adminStateUp: Type.Boolean(),
    tags: Tags,
  },
  { title: 'L7PolicyConfig', additionalProperties: false, description: "An L7 policy's settings, without its rules." },
);

export const L7RuleConfigSchema = Type.Object(
  {
    id: Type.String(),
    type: literalUnion(L7RULE_TYPES),
    compareType: literalUnion(L7RULE_COMPARE_TYPES),
    key: nullable(Type.String()),
    value: Type.String(),
    invert: Type.Boolean(),
    adminStateUp: Type.Boolean(),
    tags: Tags,
  },
  { title: 'L7RuleConfig', additionalProperties: false, description: "An L7 rule's settings." },
);

const MemberHealthSchema = literalUnion(['ONLINE', 'ERROR', 'NO_MONITOR', 'DRAINING'] as const, {
  title: 'MemberHealth',
  description: "What a member's health checks say.",
});

const lbId = Type.String();

export const LOAD_BALANCER_EVENT_SCHEMAS = payloadSchemas<LoadBalancerEvent>()({
  LoadBalancerCreated: payloadObject({
    loadBalancer: LoadBalancerConfigSchema,
    placement: Type.Object(
      {
        topology: literalUnion(TOPOLOGIES),
        computeZone: nullable(Type.String({ description: 'The compute zone whose nodes alone may hold the placements; null: any.' })),
      },
      {
        title: 'PlacementPolicy',
        additionalProperties: false,
        description: "What the load balancer's flavor and zone resolved to at its creation.",
      },
    ),
    at: At,
  }),
  LoadBalancerUpdated: payloadObject({ loadBalancer: LoadBalancerConfigSchema, at: At }),
  LoadBalancerDeleted: payloadObject({ loadBalancerId: lbId, cascade: Type.Boolean(), at: At }),
  LoadBalancerFailoverRequested: payloadObject({ loadBalancerId: lbId, at: At }),
  ListenerCreated: payloadObject({ loadBalancerId: lbId, listener: ListenerConfigSchema, at: At }),
  ListenerUpdated: payloadObject({ loadBalancerId: lbId, listener: ListenerConfigSchema, at: At }),
  ListenerDeleted: payloadObject({ loadBalancerId: lbId, listenerId: Type.String(), at: At }),
  LbPoolCreated: payloadObject({
    loadBalancerId: lbId,
    pool: LbPoolConfigSchema,
    listenerId: nullable(Type.String({ description: 'The listener whose default pool the new pool becomes.' })),
    at: At,
  }),
  LbPoolUpdated: payloadObject({ loadBalancerId: lbId, pool: LbPoolConfigSchema, at: At }),
  LbPoolDeleted: payloadObject({ loadBalancerId: lbId, poolId: Type.String(), at: At }),
  LbMemberCreated: payloadObject({ loadBalancerId: lbId, poolId: Type.String(), member: LbMemberConfigSchema, at: At }),
  LbMemberUpdated: payloadObject({ loadBalancerId: lbId, poolId: Type.String(), member: LbMemberConfigSchema, at: At }),
  LbMemberDeleted: payloadObject({ loadBalancerId: lbId, poolId: Type.String(), memberId: Type.String(), at: At }),
  LbHealthMonitorCreated: payloadObject({ loadBalancerId: lbId, poolId: Type.String(), monitor: LbHealthMonitorConfigSchema, at: At }),
  LbHealthMonitorUpdated: payloadObject({ loadBalancerId: lbId, poolId: Type.String(), monitor: LbHealthMonitorConfigSchema, at: At }),
  LbHealthMonitorDeleted: payloadObject({ loadBalancerId: lbId, poolId: Type.String(), monitorId: Type.String(), at: At }),
  L7PolicyCreated: payloadObject({
    loadBalancerId: lbId,
    listenerId: Type.String(),
    l7policy: L7PolicyConfigSchema,
    rules: Type.Array(L7RuleConfigSchema),
    at: At,
  }),
  L7PolicyUpdated: payloadObject({ loadBalancerId: lbId, listenerId: Type.String(), l7policy: L7PolicyConfigSchema, at: At }),
  L7PolicyDeleted: payloadObject({ loadBalancerId: lbId, listenerId: Type.String(), l7policyId: Type.String(), at: At }),
  L7RuleCreated: payloadObject({
    loadBalancerId: lbId,
    listenerId: Type.String(),
    l7policyId: Type.String(),
    rule: L7RuleConfigSchema,
    at: At,
  }),
  L7RuleUpdated: payloadObject({
    loadBalancerId: lbId,
    listenerId: Type.String(),
    l7policyId: Type.String(),
    rule: L7RuleConfigSchema,
    at: At,
  }),
  L7RuleDeleted: payloadObject({
    loadBalancerId: lbId,
    listenerId: Type.String(),
    l7policyId: Type.String(),
    ruleId: Type.String(),
    at: At,
  }),
  LoadBalancerApplied: payloadObject({
    loadBalancerId: lbId,
    revision: Type.Integer({ description: 'The revision the active placement serves; every change up to it is ACTIVE.' }),
    at: At,
  }),
  LoadBalancerErrored: payloadObject({ loadBalancerId: lbId, reason: Type.String(), at: At }),
  LbMemberHealthChanged: payloadObject({
    loadBalancerId: lbId,
    poolId: Type.String(),
    memberId: Type.String(),
    health: MemberHealthSchema,
    at: At,
  }),
});
