import {
  ALPN_PROTOCOLS,
  CLIENT_AUTHENTICATIONS,
  HEALTH_MONITOR_TYPES,
  LB_ALGORITHMS,
  LISTENER_PROTOCOLS,
  POOL_PROTOCOLS,
  TLS_VERSIONS,
} from '@lbaas/domain';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { operatorBodySchemas } from './operator-schemas';
import { l7BodySchemas, PolicyOfNewListener, policyInTreeFields } from './l7-schemas';

/**
 * Octavia v2 request bodies (API 2.26) as TypeBox schemas: Ajv validates with them at the edge
 * and docs/openapi-octavia.json is generated from them. Types, enumerations, ranges and unknown
 * attributes are checked here; rules across fields and objects (protocol pairs, a port once per
 * load balancer, the provider's limits) are the `loadbalancer` decider's.
 */
const strict = { additionalProperties: false } as const;
const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Id = Type.String({ format: 'uuid', description: 'A UUID.' });
const Text = Type.String({ maxLength: 255 });
const OptionalText = Type.Optional(Type.Union([Text, Type.Null()]));
const ProjectId = Type.Optional(Type.String({ minLength: 1, maxLength: 36, pattern: '^[A-Za-z0-9_-]+$', description: 'Project id.' }));
const Ipv4 = Type.String({ format: 'ipv4', maxLength: 15 });
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Tags = Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 50 }));
const AdminStateUp = Type.Optional(Type.Boolean());
/** Milliseconds, 0 up to 24 days, as Octavia bounds them. */
const Timeout = Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 24 * 24 * 60 * 60 * 1000 }), Type.Null()]));
const ListenerProtocol = literals(LISTENER_PROTOCOLS);
const PoolProtocol = literals(POOL_PROTOCOLS);
const LbAlgorithm = literals(LB_ALGORITHMS);
const MonitorType = literals(HEALTH_MONITOR_TYPES);
const HttpMethod = literals(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE'] as const);
const TlsReference = Type.Union([Type.String({ minLength: 1, maxLength: 255 }), Type.Null()], {
  description: "A certificate of this project (see the Neutron API's /v2.0/lb/certificates): its id, or any URL ending in /<its id>.",
});
const TlsVersions = Type.Optional(Type.Union([Type.Array(literals(TLS_VERSIONS), { maxItems: 5 }), Type.Null()]));
const AlpnProtocols = Type.Optional(Type.Union([Type.Array(literals(ALPN_PROTOCOLS), { maxItems: 3 }), Type.Null()]));
const TlsCiphers = Type.Optional(
  Type.Union([Type.String({ maxLength: 2048, description: 'An OpenSSL cipher string (letters, digits and -+!:@=_.).' }), Type.Null()]),
);
const CaReference = Type.Union([Type.String({ minLength: 1, maxLength: 255 }), Type.Null()], {
  description: 'A certificate of this project holding the CA (or the revocation list): its id, or any URL ending in /<its id>.',
});
const InsertHeaders = Type.Record(
  Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' }),
  Type.String({ maxLength: 255 }),
  {
    description:
      "Headers HAProxy adds toward members, header name -> 'true' or 'false': X-Forwarded-For, X-Forwarded-Port, X-Forwarded-Proto, and on TERMINATED_HTTPS listeners the client certificate's X-SSL-Client-Verify, -Has-Cert, -DN, -CN, -SHA1, -Not-Before, -Not-After and X-SSL-Issuer.",
  },
);
const SessionPersistence = Type.Union([
  Type.Object(
    {
      type: literals(['SOURCE_IP', 'HTTP_COOKIE', 'APP_COOKIE'] as const),
      cookie_name: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' }), Type.Null()])),
      persistence_timeout: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 86_400 * 365 }), Type.Null()])),
      persistence_granularity: Type.Optional(Type.Union([Ipv4, Type.Null()])),
    },
    strict,
  ),
  Type.Null(),
]);

const memberFields = {
  name: OptionalText,
  weight: Type.Optional(Type.Integer({ minimum: 0, maximum: 256 })),
  backup: Type.Optional(Type.Boolean()),
  monitor_address: Type.Optional(Type.Union([Ipv4, Type.Null()])),
  monitor_port: Type.Optional(Type.Union([Port, Type.Null()])),
  admin_state_up: AdminStateUp,
  tags: Tags,
};
const memberCreateFields = {
  ...memberFields,
  address: Ipv4,
  protocol_port: Port,
  subnet_id: Type.Optional(Type.Union([Id, Type.Null()])),
  project_id: ProjectId,
};
const Member = Type.Object(memberCreateFields, strict);

const monitorFields = {
  name: OptionalText,
  delay: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
  timeout: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
  max_retries: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
  max_retries_down: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 10 }), Type.Null()])),
  http_method: Type.Optional(Type.Union([HttpMethod, Type.Null()])),
  url_path: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 255, pattern: '^/[\\x21-\\x7E]*$' }), Type.Null()])),
  expected_codes: Type.Optional(
    Type.Union([
      Type.String({ maxLength: 64, pattern: '^[1-5][0-9]{2}((-|,)[1-5][0-9]{2})*$|^[1-5][0-9]{2}-[1-5][0-9]{2}$' }),
      Type.Null(),
    ]),
  ),
  http_version: Type.Optional(Type.Union([Type.Literal(1.0), Type.Literal(1.1), Type.Null()])),
  domain_name: Type.Optional(
    Type.Union([Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$' }), Type.Null()]),
  ),
  admin_state_up: AdminStateUp,
  tags: Tags,
};
const monitorCreateFields = {
  ...monitorFields,
  type: MonitorType,
  delay: Type.Integer({ minimum: 0, maximum: 86_400 }),
  timeout: Type.Integer({ minimum: 0, maximum: 86_400 }),
  max_retries: Type.Integer({ minimum: 1, maximum: 10 }),
  project_id: ProjectId,
};
const MonitorInTree = Type.Object(monitorCreateFields, strict);

const poolFields = {
  name: OptionalText,
  description: OptionalText,
  lb_algorithm: Type.Optional(LbAlgorithm),
  session_persistence: Type.Optional(SessionPersistence),
  admin_state_up: AdminStateUp,
  tags: Tags,
  tls_enabled: Type.Optional(Type.Boolean({ description: 'Re-encryption: TLS towards the members.' })),
  tls_container_ref: Type.Optional(TlsReference),
  ca_tls_container_ref: Type.Optional(CaReference),
  crl_container_ref: Type.Optional(CaReference),
  tls_ciphers: TlsCiphers,
  tls_versions: TlsVersions,
  alpn_protocols: AlpnProtocols,
};
const poolCreateFields = { ...poolFields, protocol: PoolProtocol, lb_algorithm: LbAlgorithm, project_id: ProjectId };
const PoolInTree = Type.Object(
  {
    ...poolCreateFields,
    members: Type.Optional(Type.Array(Member, { maxItems: 1000 })),
    healthmonitor: Type.Optional(Type.Union([MonitorInTree, Type.Null()])),
  },
  strict,
);

const listenerFields = {
  name: OptionalText,
  description: OptionalText,
  connection_limit: Type.Optional(Type.Union([Type.Integer({ minimum: -1, maximum: 1_000_000 }), Type.Null()])),
  default_pool_id: Type.Optional(Type.Union([Id, Type.Null()])),
  default_tls_container_ref: Type.Optional(TlsReference),
  insert_headers: Type.Optional(Type.Union([InsertHeaders, Type.Null()])),
  timeout_client_data: Timeout,
  timeout_member_connect: Timeout,
  timeout_member_data: Timeout,
  timeout_tcp_inspect: Timeout,
  admin_state_up: AdminStateUp,
  tags: Tags,
  sni_container_refs: Type.Optional(Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 50 }), Type.Null()])),
  client_ca_tls_container_ref: Type.Optional(CaReference),
  client_authentication: Type.Optional(Type.Union([literals(CLIENT_AUTHENTICATIONS), Type.Null()])),
  client_crl_container_ref: Type.Optional(CaReference),
  tls_ciphers: TlsCiphers,
  tls_versions: TlsVersions,
  alpn_protocols: AlpnProtocols,
  allowed_cidrs: Type.Optional(Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100 }), Type.Null()])),
};
const listenerCreateFields = { ...listenerFields, protocol: ListenerProtocol, protocol_port: Port, project_id: ProjectId };
/** A listener's default pool in the single-call create: a whole pool, or `{"name"}` of one in `pools`. */
const DefaultPool = Type.Object(
  {
    ...poolFields,
    name: Type.String({ minLength: 1, maxLength: 255 }),
    protocol: Type.Optional(PoolProtocol),
    project_id: ProjectId,
    members: Type.Optional(Type.Array(Member, { maxItems: 1000 })),
    healthmonitor: Type.Optional(Type.Union([MonitorInTree, Type.Null()])),
  },
  { ...strict, description: 'With protocol and lb_algorithm a whole pool; with its name only, a reference to a pool of `pools`.' },
);
const PolicyInTree = Type.Object(
  { ...policyInTreeFields, redirect_pool: Type.Optional(Type.Union([DefaultPool, Type.Null()])) },
  { ...strict, description: 'A REDIRECT_TO_POOL names its pool by `redirect_pool`: a whole pool, or `{"name"}` of one in `pools`.' },
);
const ListenerInTree = Type.Object(
  {
    ...listenerCreateFields,
    default_pool: Type.Optional(Type.Union([DefaultPool, Type.Null()])),
    l7policies: Type.Optional(Type.Array(PolicyInTree, { maxItems: 50 })),
  },
  strict,
);

const loadBalancerFields = {
  name: OptionalText,
  description: OptionalText,
  admin_state_up: AdminStateUp,
  vip_qos_policy_id: Type.Optional(Type.Union([Id, Type.Null()])),
  tags: Tags,
};

export const octaviaBodySchemas = {
  createLoadBalancer: Type.Object(
    {
      ...loadBalancerFields,
      vip_address: Type.Optional(Ipv4),
      vip_port_id: Type.Optional(Id),
      vip_subnet_id: Type.Optional(Id),
      vip_network_id: Type.Optional(Id),
      project_id: ProjectId,
      tenant_id: ProjectId,
      provider: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      flavor_id: Type.Optional(Type.Union([Id, Type.Null()])),
      availability_zone: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 255 }), Type.Null()])),
      listeners: Type.Optional(Type.Array(ListenerInTree, { maxItems: 50 })),
      pools: Type.Optional(Type.Array(PoolInTree, { maxItems: 50 })),
    },
    {
      ...strict,
      description: 'One of vip_subnet_id, vip_network_id or vip_port_id is required. listeners and pools make the single-call create.',
    },
  ),
  updateLoadBalancer: Type.Object(loadBalancerFields, strict),
  createListener: Type.Object(
    { ...listenerCreateFields, loadbalancer_id: Id, l7policies: Type.Optional(Type.Array(PolicyOfNewListener, { maxItems: 50 })) },
    strict,
  ),
  updateListener: Type.Object(listenerFields, strict),
  createPool: Type.Object(
    { ...poolCreateFields, listener_id: Type.Optional(Id), loadbalancer_id: Type.Optional(Id) },
    { ...strict, description: 'listener_id (the pool becomes its default pool) or loadbalancer_id is required.' },
  ),
  updatePool: Type.Object(poolFields, strict),
  createMember: Member,
  updateMember: Type.Object(memberFields, strict),
  replaceMembers: Type.Array(Member, { maxItems: 1000 }),
  createHealthMonitor: Type.Object({ ...monitorCreateFields, pool_id: Id }, strict),
  updateHealthMonitor: Type.Object(monitorFields, strict),
  ...operatorBodySchemas,
  ...l7BodySchemas,
} satisfies Record<string, TSchema>;

export type OctaviaBodyName = keyof typeof octaviaBodySchemas;
export type OctaviaBodyOf<N extends OctaviaBodyName> = Static<(typeof octaviaBodySchemas)[N]>;
export type ListenerTreeBody = Static<typeof ListenerInTree>;
export type PoolTreeBody = Static<typeof PoolInTree>;
export type DefaultPoolBody = Static<typeof DefaultPool>;
export type PolicyTreeBody = Static<typeof PolicyInTree>;
export type MemberBody = Static<typeof Member>;
export type MonitorTreeBody = Static<typeof MonitorInTree>;
