import {
  CERTIFICATE_KINDS,
  HTTP_METHODS,
  literalUnion,
  LbMethodSchema,
  MonitorTypeSchema,
  ProtocolSchema,
  SessionPersistenceSchema,
} from '@lbaas/domain';
import { type Static, type TSchema, Type } from '@sinclair/typebox';

/**
 * Request bodies as TypeBox schemas: Ajv validates with them at the edge and the OpenAPI
 * document is generated from them, so the two cannot drift apart. Types, enums, ranges and
 * unknown fields are checked here; rules across fields and resources are the deciders'.
 */
const strict = { additionalProperties: false } as const;
const Id = Type.String({ format: 'uuid', description: 'A resource id (UUID).' });
const TenantId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'Project (tenant) id.' });
const Name = Type.String({ maxLength: 255 });
const Description = Type.String({ maxLength: 255 });
const Ipv4 = Type.String({ format: 'ipv4', maxLength: 15 });
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
// The enumerations are the domain's, without the title and description its event catalogue gives them.
const Protocol = Type.Union([...ProtocolSchema.anyOf]);
const LbMethod = Type.Union([...LbMethodSchema.anyOf]);
const MonitorType = Type.Union([...MonitorTypeSchema.anyOf]);
const Weight = Type.Integer({ minimum: 0, maximum: 256 });
const SessionPersistence = Type.Union([
  Type.Object(
    {
      type: Type.Union([...SessionPersistenceSchema.properties.type.anyOf]),
      cookie_name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    },
    strict,
  ),
  Type.Null(),
]);
const ConnectionLimit = Type.Integer({ minimum: -1, maximum: 1_000_000 });
const HttpMethod = Type.Union(HTTP_METHODS.map((m) => Type.Literal(m)));
const UrlPath = Type.String({ minLength: 1, maxLength: 255, pattern: '^/[^\\s"\'#\\\\]*$' });
const ExpectedCodes = Type.String({ maxLength: 64, pattern: '^([1-5][0-9]{2})(\\s*,\\s*[1-5][0-9]{2})*$|^[1-5][0-9]{2}-[1-5][0-9]{2}$' });
const Seconds = Type.Integer({ minimum: 1, maximum: 86_400 });
const Cidr = Type.String({ maxLength: 18, pattern: '^([0-9]{1,3}\\.){3}[0-9]{1,3}/(3[0-2]|[12]?[0-9])$' });
const AllocationPools = Type.Array(Type.Object({ start: Ipv4, end: Ipv4 }, strict), { maxItems: 16 });
const HostRoutes = Type.Array(Type.Object({ destination: Cidr, nexthop: Ipv4 }, strict), { maxItems: 32 });
const Nameservers = Type.Array(Ipv4, { maxItems: 8 });
/** PEM fields are bounded well below the 1 MiB body limit: a leaf with a long chain fits in a few KiB. */
export const MAX_PEM_CHARS = 64 * 1024;
const CertificatePem = Type.String({
  minLength: 1,
  maxLength: MAX_PEM_CHARS,
  description:
    'PEM. server: the leaf certificate first, then each certificate of its chain, each issued by the next; ca: CA certificates (basic constraints CA:TRUE), in any order; crl: X509 CRL blocks, each with a nextUpdate still ahead.',
});
const CertificateKindField = literalUnion(CERTIFICATE_KINDS, {
  description:
    'server (the default): a certificate chain and its private_key, for VIPs and listeners; ca: CA certificates without a key, for client_ca_tls_container_ref and ca_tls_container_ref; crl: revocation lists without a key, for client_crl_container_ref and crl_container_ref. Shown for ca and crl only; it cannot change.',
});
const PrivateKeyPem = Type.String({
  minLength: 1,
  maxLength: MAX_PEM_CHARS,
  description:
    'PEM, unencrypted (PKCS#8 or the traditional RSA/EC form), matching the leaf: server certificates only, where it is required. Sealed before it is stored, never returned.',
});
const TlsCertificateId = Type.Union([Id, Type.Null()], {
  description: 'A certificate (see /v2.0/lb/certificates) to terminate TLS with: HTTP VIPs only. null: plain HTTP.',
});

export const bodySchemas = {
  createNetwork: Type.Object(
    {
      tenant_id: Type.Optional(TenantId),
      name: Type.Optional(Name),
      admin_state_up: Type.Optional(Type.Boolean()),
      shared: Type.Optional(Type.Boolean()),
      'router:external': Type.Optional(Type.Boolean()),
    },
    strict,
  ),
  updateNetwork: Type.Object(
    { name: Type.Optional(Name), admin_state_up: Type.Optional(Type.Boolean()), shared: Type.Optional(Type.Boolean()) },
    strict,
  ),
  createSubnet: Type.Object(
    {
      tenant_id: Type.Optional(TenantId),
      network_id: Id,
      cidr: Cidr,
      name: Type.Optional(Name),
      ip_version: Type.Optional(Type.Literal(4)),
      gateway_ip: Type.Optional(Type.Union([Ipv4, Type.Null()])),
      allocation_pools: Type.Optional(AllocationPools),
      enable_dhcp: Type.Optional(Type.Boolean()),
      dns_nameservers: Type.Optional(Nameservers),
      host_routes: Type.Optional(HostRoutes),
    },
    strict,
  ),
  updateSubnet: Type.Object(
    {
      name: Type.Optional(Name),
      gateway_ip: Type.Optional(Type.Union([Ipv4, Type.Null()])),
      enable_dhcp: Type.Optional(Type.Boolean()),
      dns_nameservers: Type.Optional(Nameservers),
      host_routes: Type.Optional(HostRoutes),
    },
    strict,
  ),
  createFloatingIp: Type.Object(
    {
      tenant_id: Type.Optional(TenantId),
      floating_network_id: Id,
      port_id: Type.Optional(Type.Union([Id, Type.Null()])),
      fixed_ip_address: Type.Optional(Type.Union([Ipv4, Type.Null()])),
      floating_ip_address: Type.Optional(Ipv4),
    },
    strict,
  ),
  updateFloatingIp: Type.Object(
    { port_id: Type.Union([Id, Type.Null()]), fixed_ip_address: Type.Optional(Type.Union([Ipv4, Type.Null()])) },
    strict,
  ),
  createPool: Type.Object(
    {
      tenant_id: Type.Optional(TenantId),
      name: Type.Optional(Name),
      description: Type.Optional(Description),
      subnet_id: Id,
      protocol: Protocol,
      lb_method: LbMethod,
      admin_state_up: Type.Optional(Type.Boolean()),
      provider: Type.Optional(Type.Literal('haproxy')),
    },
    strict,
  ),
  updatePool: Type.Object(
    {
      name: Type.Optional(Name),
      description: Type.Optional(Description),
      lb_method: Type.Optional(LbMethod),
      admin_state_up: Type.Optional(Type.Boolean()),
    },
    strict,
  ),
  createMember: Type.Object(
    {
      tenant_id: Type.Optional(TenantId),
      pool_id: Id,
      address: Ipv4,
      protocol_port: Port,
      weight: Type.Optional(Weight),
      admin_state_up: Type.Optional(Type.Boolean()),
    },
    strict,
  ),
  updateMember: Type.Object(
    { pool_id: Type.Optional(Id), weight: Type.Optional(Weight), admin_state_up: Type.Optional(Type.Boolean()) },
    strict,
  ),
  createVip: Type.Object(
    {
      tenant_id: Type.Optional(TenantId),
      name: Type.Optional(Name),
      description: Type.Optional(Description),
      subnet_id: Id,
      address: Type.Optional(Ipv4),
      protocol_port: Port,
      protocol: Protocol,
      pool_id: Id,
      session_persistence: Type.Optional(SessionPersistence),
      connection_limit: Type.Optional(ConnectionLimit),
      admin_state_up: Type.Optional(Type.Boolean()),
      tls_certificate_id: Type.Optional(TlsCertificateId),
    },
    strict,
  ),
  updateVip: Type.Object(
    {
      name: Type.Optional(Name),
      description: Type.Optional(Description),
      pool_id: Type.Optional(Id),
      session_persistence: Type.Optional(SessionPersistence),
      connection_limit: Type.Optional(ConnectionLimit),
      admin_state_up: Type.Optional(Type.Boolean()),
      tls_certificate_id: Type.Optional(TlsCertificateId),
    },
    strict,
  ),
  createHealthMonitor: Type.Object(
    {
      tenant_id: Type.Optional(TenantId),
      type: MonitorType,
      delay: Seconds,
      timeout: Seconds,
      max_retries: Type.Integer({ minimum: 1, maximum: 10 }),
      http_method: Type.Optional(HttpMethod),
      url_path: Type.Optional(UrlPath),
      expected_codes: Type.Optional(ExpectedCodes),
      admin_state_up: Type.Optional(Type.Boolean()),
    },
    strict,
  ),
  updateHealthMonitor: Type.Object(
    {
      delay: Type.Optional(Seconds),
      timeout: Type.Optional(Seconds),
      max_retries: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
      http_method: Type.Optional(HttpMethod),
      url_path: Type.Optional(UrlPath),
      expected_codes: Type.Optional(ExpectedCodes),
      admin_state_up: Type.Optional(Type.Boolean()),
    },
    strict,
  ),
  associateHealthMonitor: Type.Object({ id: Id }, strict),
  createCertificate: Type.Object(
    {
      tenant_id: Type.Optional(TenantId),
      name: Type.Optional(Name),
      description: Type.Optional(Description),
      kind: Type.Optional(CertificateKindField),
      certificate: CertificatePem,
      private_key: Type.Optional(PrivateKeyPem),
    },
    strict,
  ),
  updateCertificate: Type.Object(
    {
      name: Type.Optional(Name),
      description: Type.Optional(Description),
      certificate: Type.Optional(CertificatePem),
      private_key: Type.Optional(PrivateKeyPem),
    },
    strict,
  ),
} satisfies Record<string, TSchema>;

export type BodySchemaName = keyof typeof bodySchemas;

/** A request body as its schema validated it: the one type the controllers and the commands take. */
export type BodyOf<N extends BodySchemaName> = Static<(typeof bodySchemas)[N]>;
