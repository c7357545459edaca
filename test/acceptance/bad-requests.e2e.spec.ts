import { type IssuedCertificate, makeTestCa, startStack } from '@lbaas/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Certificate,
  FloatingIp,
  HealthMonitor,
  Member,
  NeutronApi,
  Network,
  Pool,
  Subnet,
  Vip,
  absentId,
  expectNeutronError,
} from './neutron-api';

/**
 * Bad requests against the built services: each row gets its status and Neutron error type,
 * and the whole visible state (every list endpoint, as admin) is the same after it as before.
 */

interface Fixtures {
  vipNet: Network;
  vipSubnet: Subnet;
  poolNet: Network;
  poolSubnet: Subnet;
  publicNet: Network;
  /** HTTP pool with a member, a VIP and an associated monitor. */
  pool: Pool;
  /** HTTP pool with nothing attached. */
  sparePool: Pool;
  member: Member;
  vip: Vip;
  associatedMonitor: HealthMonitor;
  looseMonitor: HealthMonitor;
  floatingIp: FloatingIp;
  otherTenant: string;
  /** The certificate `vip` terminates TLS with, and the PEM it was made of. */
  certificate: Certificate;
  pem: IssuedCertificate;
}

type Caller = 'demo' | 'other' | 'admin' | 'reader' | 'no token' | 'unknown token';

interface BadRequest {
  readonly desc: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  readonly path: (f: Fixtures) => string;
  /** A JSON body, built from the fixtures. */
  readonly body?: (f: Fixtures) => unknown;
  /** A body sent byte for byte, for what is not JSON. */
  readonly raw?: () => string;
  /** The Content-Type sent, application/json unless said otherwise. */
  readonly contentType?: string;
  /** demo unless said otherwise. */
  readonly as?: Caller;
  readonly status: number;
  readonly type: string;
}

const pools = () => '/v2.0/lb/pools';
const members = () => '/v2.0/lb/members';
const vips = () => '/v2.0/lb/vips';
const monitors = () => '/v2.0/lb/health_monitors';
const certificates = () => '/v2.0/lb/certificates';

const poolBody = (f: Fixtures, fields: Record<string, unknown> = {}) => ({
  pool: { name: 'bad', protocol: 'HTTP', lb_method: 'ROUND_ROBIN', subnet_id: f.poolSubnet.id, ...fields },
});
const memberBody = (f: Fixtures, fields: Record<string, unknown> = {}) => ({
  member: { pool_id: f.sparePool.id, address: '198.18.2.21', protocol_port: 80, ...fields },
});
const vipBody = (f: Fixtures, fields: Record<string, unknown> = {}) => ({
  vip: { name: 'bad', protocol: 'HTTP', protocol_port: 80, subnet_id: f.vipSubnet.id, pool_id: f.sparePool.id, ...fields },
});
const monitorBody = (fields: Record<string, unknown> = {}) => ({
  health_monitor: { type: 'HTTP', delay: 20, timeout: 10, max_retries: 3, ...fields },
});

// A value that fails an attribute's validation: Neutron raises webob's HTTPBadRequest.
const INVALID = 'HTTPBadRequest';
// A value that does not convert to the attribute's type (convert_to_int, convert_to_boolean):
// Neutron raises InvalidInput. Neutron would convert "3" and 80.5; issue 3 asks for a 400.
const NOT_CONVERTIBLE = 'InvalidInput';

const ROWS: readonly BadRequest[] = [
  // unknown enum values
  { desc: 'pool protocol FTP', method: 'POST', path: pools, body: (f) => poolBody(f, { protocol: 'FTP' }), status: 400, type: INVALID },
  {
    desc: 'pool lb_method RANDOM',
    method: 'POST',
    path: pools,
    body: (f) => poolBody(f, { lb_method: 'RANDOM' }),
    status: 400,
    type: INVALID,
  },
  { desc: 'monitor type UDP', method: 'POST', path: monitors, body: () => monitorBody({ type: 'UDP' }), status: 400, type: INVALID },
  {
    desc: 'VIP session persistence type COOKIE_JAR',
    method: 'POST',
    path: vips,
    body: (f) => vipBody(f, { session_persistence: { type: 'COOKIE_JAR' } }),
    status: 400,
    type: INVALID,
  },
  // ranges
  { desc: 'member weight 300', method: 'POST', path: members, body: (f) => memberBody(f, { weight: 300 }), status: 400, type: INVALID },
  { desc: 'member weight -1', method: 'POST', path: members, body: (f) => memberBody(f, { weight: -1 }), status: 400, type: INVALID },
  {
    desc: 'member weight 300 on update',
    method: 'PUT',
    path: (f) => `/v2.0/lb/members/${f.member.id}`,
    body: () => ({ member: { weight: 300 } }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'member protocol_port 70000',
    method: 'POST',
    path: members,
    body: (f) => memberBody(f, { protocol_port: 70000 }),
    status: 400,
    type: INVALID,
  },
  { desc: 'VIP protocol_port -1', method: 'POST', path: vips, body: (f) => vipBody(f, { protocol_port: -1 }), status: 400, type: INVALID },
  {
    desc: 'monitor max_retries 11',
    method: 'POST',
    path: monitors,
    body: () => monitorBody({ max_retries: 11 }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'monitor max_retries 0',
    method: 'POST',
    path: monitors,
    body: () => monitorBody({ max_retries: 0 }),
    status: 400,
    type: INVALID,
  },
  { desc: 'monitor delay -1', method: 'POST', path: monitors, body: () => monitorBody({ delay: -1 }), status: 400, type: INVALID },
  {
    desc: 'monitor expected_codes "abc"',
    method: 'POST',
    path: monitors,
    body: () => monitorBody({ expected_codes: 'abc' }),
    status: 400,
    type: INVALID,
  },
  // cross-field rules
  {
    desc: 'monitor delay 5 below timeout 10',
    method: 'POST',
    path: monitors,
    body: () => monitorBody({ delay: 5, timeout: 10 }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'monitor update making delay below timeout',
    method: 'PUT',
    path: (f) => `/v2.0/lb/health_monitors/${f.looseMonitor.id}`,
    body: () => ({ health_monitor: { delay: 1 } }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'TCP VIP on an HTTP pool',
    method: 'POST',
    path: vips,
    body: (f) => vipBody(f, { protocol: 'TCP' }),
    status: 400,
    type: 'ProtocolMismatch',
  },
  {
    desc: 'cookie_name with SOURCE_IP persistence',
    method: 'POST',
    path: vips,
    body: (f) => vipBody(f, { session_persistence: { type: 'SOURCE_IP', cookie_name: 'sid' } }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'APP_COOKIE persistence without cookie_name',
    method: 'POST',
    path: vips,
    body: (f) => vipBody(f, { session_persistence: { type: 'APP_COOKIE' } }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'APP_COOKIE without cookie_name on update',
    method: 'PUT',
    path: (f) => `/v2.0/lb/vips/${f.vip.id}`,
    body: () => ({ vip: { session_persistence: { type: 'APP_COOKIE' } } }),
    status: 400,
    type: INVALID,
  },
  // bodies that are not what the resource takes
  { desc: 'malformed JSON', method: 'POST', path: pools, raw: () => '{"pool": {"name": ', status: 400, type: 'MalformedRequestBody' },
  { desc: 'empty body on create', method: 'POST', path: pools, raw: () => '', status: 400, type: INVALID },
  { desc: 'body is an array', method: 'POST', path: pools, raw: () => '[]', status: 400, type: INVALID },
  { desc: 'body is a string', method: 'POST', path: pools, raw: () => '"pool"', status: 400, type: INVALID },
  { desc: 'envelope is null', method: 'POST', path: pools, body: () => ({ pool: null }), status: 400, type: INVALID },
  {
    desc: 'wrong envelope key (member on pools)',
    method: 'POST',
    path: pools,
    body: (f) => ({ member: poolBody(f).pool }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'plural envelope key on create',
    method: 'POST',
    path: pools,
    body: (f) => ({ pools: poolBody(f).pool }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'weight as a string "3"',
    method: 'POST',
    path: members,
    body: (f) => memberBody(f, { weight: '3' }),
    status: 400,
    type: NOT_CONVERTIBLE,
  },
  {
    desc: 'admin_state_up "yes"',
    method: 'POST',
    path: pools,
    body: (f) => poolBody(f, { admin_state_up: 'yes' }),
    status: 400,
    type: NOT_CONVERTIBLE,
  },
  {
    desc: 'protocol_port 80.5',
    method: 'POST',
    path: members,
    body: (f) => memberBody(f, { protocol_port: 80.5 }),
    status: 400,
    type: NOT_CONVERTIBLE,
  },
  {
    desc: 'connection_limit "many"',
    method: 'POST',
    path: vips,
    body: (f) => vipBody(f, { connection_limit: 'many' }),
    status: 400,
    type: NOT_CONVERTIBLE,
  },
  {
    desc: 'member address not an IP',
    method: 'POST',
    path: members,
    body: (f) => memberBody(f, { address: 'backend-1' }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'pool_id not a uuid',
    method: 'POST',
    path: members,
    body: (f) => memberBody(f, { pool_id: 'mypool' }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'unknown field on create',
    method: 'POST',
    path: pools,
    body: (f) => poolBody(f, { colour: 'blue' }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'unknown field on update',
    method: 'PUT',
    path: (f) => `/v2.0/lb/pools/${f.pool.id}`,
    body: () => ({ pool: { colour: 'blue' } }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'read-only field on update (pool protocol)',
    method: 'PUT',
    path: (f) => `/v2.0/lb/pools/${f.pool.id}`,
    body: () => ({ pool: { protocol: 'TCP' } }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'missing subnet_id',
    method: 'POST',
    path: pools,
    body: () => ({ pool: { name: 'bad', protocol: 'HTTP', lb_method: 'ROUND_ROBIN' } }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'missing protocol_port',
    method: 'POST',
    path: members,
    body: (f) => ({ member: { pool_id: f.sparePool.id, address: '198.18.2.21' } }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'missing monitor type',
    method: 'POST',
    path: monitors,
    body: () => ({ health_monitor: { delay: 20, timeout: 10, max_retries: 3 } }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'association without a monitor id',
    method: 'POST',
    path: (f) => `/v2.0/lb/pools/${f.sparePool.id}/health_monitors`,
    body: () => ({ health_monitor: {} }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'a body over 1 MiB',
    method: 'POST',
    path: pools,
    raw: () => JSON.stringify({ pool: { name: 'big', description: 'x'.repeat(1_100_000) } }),
    status: 413,
    type: 'HTTPRequestEntityTooLarge',
  },
  // Neutron's _populate_tenant_id: "Specifying 'tenant_id' other than authenticated tenant in request requires admin privileges".
  {
    desc: 'another tenant_id without admin role',
    method: 'POST',
    path: pools,
    body: (f) => poolBody(f, { tenant_id: f.otherTenant }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'a write with the reader role',
    method: 'POST',
    as: 'reader',
    path: pools,
    body: (f) => poolBody(f),
    status: 403,
    type: 'PolicyNotAuthorized',
  },
  // addresses
  {
    desc: 'subnet cidr with a /33 prefix',
    method: 'POST',
    path: () => '/v2.0/subnets',
    body: (f) => ({ subnet: { network_id: f.poolNet.id, cidr: '198.18.3.0/33', ip_version: 4 } }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'subnet cidr that is not one',
    method: 'POST',
    path: () => '/v2.0/subnets',
    body: (f) => ({ subnet: { network_id: f.poolNet.id, cidr: 'not-a-cidr', ip_version: 4 } }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'subnet on a missing network',
    method: 'POST',
    path: () => '/v2.0/subnets',
    body: () => ({ subnet: { network_id: absentId(), cidr: '198.18.3.0/24', ip_version: 4 } }),
    status: 404,
    type: 'NetworkNotFound',
  },
  {
    desc: 'VIP address outside its subnet',
    method: 'POST',
    path: vips,
    body: (f) => vipBody(f, { address: '198.18.2.50' }),
    status: 400,
    type: 'InvalidInput',
  },
  {
    desc: 'VIP address already in use',
    method: 'POST',
    path: vips,
    body: (f) => vipBody(f, { address: f.vip.address }),
    status: 409,
    type: 'IpAddressInUse',
  },
  {
    desc: 'floating IP on a network that is not external',
    method: 'POST',
    path: () => '/v2.0/floatingips',
    body: (f) => ({ floatingip: { floating_network_id: f.poolNet.id } }),
    status: 400,
    type: 'BadRequest',
  },
  {
    desc: 'floating IP associated with a missing port',
    method: 'PUT',
    path: (f) => `/v2.0/floatingips/${f.floatingIp.id}`,
    body: () => ({ floatingip: { port_id: absentId() } }),
    status: 404,
    type: 'PortNotFound',
  },
  // missing objects
  { desc: 'show a missing pool', method: 'GET', path: () => `/v2.0/lb/pools/${absentId()}`, status: 404, type: 'PoolNotFound' },
  { desc: 'show a pool by a name, not an id', method: 'GET', path: () => '/v2.0/lb/pools/mypool', status: 404, type: 'PoolNotFound' },
  {
    desc: 'update a missing member',
    method: 'PUT',
    path: () => `/v2.0/lb/members/${absentId()}`,
    body: () => ({ member: { weight: 2 } }),
    status: 404,
    type: 'MemberNotFound',
  },
  { desc: 'delete a missing VIP', method: 'DELETE', path: () => `/v2.0/lb/vips/${absentId()}`, status: 404, type: 'VipNotFound' },
  {
    desc: 'show a missing monitor',
    method: 'GET',
    path: () => `/v2.0/lb/health_monitors/${absentId()}`,
    status: 404,
    type: 'HealthMonitorNotFound',
  },
  { desc: 'delete a missing network', method: 'DELETE', path: () => `/v2.0/networks/${absentId()}`, status: 404, type: 'NetworkNotFound' },
  { desc: 'show a missing subnet', method: 'GET', path: () => `/v2.0/subnets/${absentId()}`, status: 404, type: 'SubnetNotFound' },
  {
    desc: 'member in a missing pool',
    method: 'POST',
    path: members,
    body: (f) => memberBody(f, { pool_id: absentId() }),
    status: 404,
    type: 'PoolNotFound',
  },
  { desc: 'stats of a missing pool', method: 'GET', path: () => `/v2.0/lb/pools/${absentId()}/stats`, status: 404, type: 'PoolNotFound' },
  {
    desc: 'associate a missing monitor',
    method: 'POST',
    path: (f) => `/v2.0/lb/pools/${f.sparePool.id}/health_monitors`,
    body: () => ({ health_monitor: { id: absentId() } }),
    status: 404,
    type: 'HealthMonitorNotFound',
  },
  // another tenant's objects do not exist for it
  {
    desc: "show another tenant's pool",
    method: 'GET',
    as: 'other',
    path: (f) => `/v2.0/lb/pools/${f.pool.id}`,
    status: 404,
    type: 'PoolNotFound',
  },
  {
    desc: "update another tenant's pool",
    method: 'PUT',
    as: 'other',
    path: (f) => `/v2.0/lb/pools/${f.pool.id}`,
    body: () => ({ pool: { name: 'mine now' } }),
    status: 404,
    type: 'PoolNotFound',
  },
  {
    desc: "delete another tenant's pool",
    method: 'DELETE',
    as: 'other',
    path: (f) => `/v2.0/lb/pools/${f.sparePool.id}`,
    status: 404,
    type: 'PoolNotFound',
  },
  {
    desc: "member in another tenant's pool",
    method: 'POST',
    as: 'other',
    path: members,
    body: (f) => memberBody(f),
    status: 404,
    type: 'PoolNotFound',
  },
  {
    desc: "delete another tenant's member",
    method: 'DELETE',
    as: 'other',
    path: (f) => `/v2.0/lb/members/${f.member.id}`,
    status: 404,
    type: 'MemberNotFound',
  },
  // conflicts
  {
    desc: 'duplicate member address:port in a pool',
    method: 'POST',
    path: members,
    body: (f) => memberBody(f, { pool_id: f.pool.id, address: f.member.address, protocol_port: f.member.protocol_port }),
    status: 409,
    type: 'MemberExists',
  },
  {
    desc: 'second VIP on a pool',
    method: 'POST',
    path: vips,
    body: (f) => vipBody(f, { pool_id: f.pool.id }),
    status: 409,
    type: 'VipExists',
  },
  { desc: 'delete a pool in use by a VIP', method: 'DELETE', path: (f) => `/v2.0/lb/pools/${f.pool.id}`, status: 409, type: 'PoolInUse' },
  {
    desc: 'delete an associated monitor',
    method: 'DELETE',
    path: (f) => `/v2.0/lb/health_monitors/${f.associatedMonitor.id}`,
    status: 409,
    type: 'HealthMonitorInUse',
  },
  {
    desc: 'associate an already associated monitor',
    method: 'POST',
    path: (f) => `/v2.0/lb/pools/${f.pool.id}/health_monitors`,
    body: (f) => ({ health_monitor: { id: f.associatedMonitor.id } }),
    status: 409,
    type: 'PoolMonitorAssociationExists',
  },
  {
    desc: 'disassociate a monitor that is not associated',
    method: 'DELETE',
    path: (f) => `/v2.0/lb/pools/${f.pool.id}/health_monitors/${f.looseMonitor.id}`,
    status: 404,
    type: 'PoolMonitorAssociationNotFound',
  },
  // The VIP network holds the VIP's port: in use for Neutron and for the subnet rule alike.
  {
    desc: 'delete a network with subnets and ports',
    method: 'DELETE',
    path: (f) => `/v2.0/networks/${f.vipNet.id}`,
    status: 409,
    type: 'NetworkInUse',
  },
  {
    desc: 'delete a subnet with allocated addresses',
    method: 'DELETE',
    path: (f) => `/v2.0/subnets/${f.vipSubnet.id}`,
    status: 409,
    type: 'SubnetInUse',
  },
  // authentication and routing
  { desc: 'no token', method: 'GET', as: 'no token', path: pools, status: 401, type: 'HTTPUnauthorized' },
  {
    desc: 'no token on a write',
    method: 'POST',
    as: 'no token',
    path: pools,
    body: (f) => poolBody(f),
    status: 401,
    type: 'HTTPUnauthorized',
  },
  {
    desc: 'unknown token',
    method: 'DELETE',
    as: 'unknown token',
    path: (f) => `/v2.0/lb/pools/${f.sparePool.id}`,
    status: 401,
    type: 'HTTPUnauthorized',
  },
  { desc: 'unknown route', method: 'GET', path: () => '/v2.0/lb/pizzas', status: 404, type: 'HTTPNotFound' },
  { desc: 'unknown sub-resource', method: 'GET', path: (f) => `/v2.0/lb/pools/${f.pool.id}/listeners`, status: 404, type: 'HTTPNotFound' },
  { desc: 'PUT on a collection', method: 'PUT', path: pools, body: (f) => poolBody(f), status: 405, type: 'HTTPMethodNotAllowed' },
  {
    desc: 'PATCH on a pool',
    method: 'PATCH',
    path: (f) => `/v2.0/lb/pools/${f.pool.id}`,
    body: () => ({ pool: { name: 'patched' } }),
    status: 405,
    type: 'HTTPMethodNotAllowed',
  },
  // certificates and TLS termination
  {
    desc: 'certificate that is not PEM',
    method: 'POST',
    path: certificates,
    body: (f) => ({ certificate: { certificate: 'hello', private_key: f.pem.privateKeyPem } }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'certificate without private_key',
    method: 'POST',
    path: certificates,
    body: (f) => ({ certificate: { certificate: f.pem.certificatePem } }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'private_key that is not a string',
    method: 'POST',
    path: certificates,
    body: (f) => ({ certificate: { certificate: f.pem.certificatePem, private_key: 42 } }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'certificate replaced without its key',
    method: 'PUT',
    path: (f) => `/v2.0/lb/certificates/${f.certificate.id}`,
    body: (f) => ({ certificate: { certificate: f.pem.certificatePem } }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'VIP tls_certificate_id not a uuid',
    method: 'POST',
    path: vips,
    body: (f) => vipBody(f, { tls_certificate_id: 'mycert' }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'certificate on a TCP VIP',
    method: 'POST',
    path: vips,
    body: (f) => vipBody(f, { protocol: 'TCP', tls_certificate_id: f.certificate.id }),
    status: 400,
    type: INVALID,
  },
  {
    desc: 'VIP with a missing certificate',
    method: 'POST',
    path: vips,
    body: (f) => vipBody(f, { tls_certificate_id: absentId() }),
    status: 404,
    type: 'CertificateNotFound',
  },
  {
    desc: "show another tenant's certificate",
    method: 'GET',
    as: 'other',
    path: (f) => `/v2.0/lb/certificates/${f.certificate.id}`,
    status: 404,
    type: 'CertificateNotFound',
  },
  {
    desc: 'delete a certificate in use by a VIP',
    method: 'DELETE',
    path: (f) => `/v2.0/lb/certificates/${f.certificate.id}`,
    status: 409,
    type: 'CertificateInUse',
  },
  {
    desc: 'reseal as a member',
    method: 'PUT',
    path: (f) => `/v2.0/lb/certificates/${f.certificate.id}/reseal`,
    status: 403,
    type: 'PolicyNotAuthorized',
  },
  {
    desc: 'pool with a Content-Type that is no media type',
    method: 'POST',
    path: pools,
    body: (f) => poolBody(f),
    contentType: 'garbage',
    status: 415,
    type: 'HTTPUnsupportedMediaType',
  },
  {
    desc: 'reseal with a body',
    method: 'PUT',
    as: 'admin',
    path: (f) => `/v2.0/lb/certificates/${f.certificate.id}/reseal`,
    body: () => ({ certificate: {} }),
    status: 400,
    type: INVALID,
  },
];

describe('bad requests change nothing', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let apis: Record<Caller, NeutronApi>;
  let admin: NeutronApi;
  let f: Fixtures;
  const caDir = mkdtempSync(join(tmpdir(), 'lbt-bad-requests-ca-'));

  beforeAll(async () => {
    const pem = await (await makeTestCa(caDir)).issue(['www.example.test']);
    stack = await startStack();
    const demo = new NeutronApi(stack.apiUrl, stack.tokens.demo.token);
    admin = demo.as(stack.tokens.admin.token);
    apis = {
      demo,
      admin,
      other: demo.as(stack.tokens.other.token),
      reader: demo.as(stack.tokens.reader.token),
      'no token': demo.as(null),
      'unknown token': demo.as(`not-a-token-${absentId()}`),
    };
    f = await createFixtures(demo, admin, stack.tokens.other.tenant_id, pem);
  }, 180_000);

  afterAll(async () => {
    rmSync(caDir, { recursive: true, force: true });
    await stack?.stop();
  }, 60_000);

  it('has at least 40 rows', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(ROWS)('$desc: $method -> $status $type', async (row) => {
    const before = await admin.snapshot();
    const reply = await apis[row.as ?? 'demo'].request(row.method, row.path(f), {
      raw: row.raw?.(),
      json: row.body?.(f),
      headers:
        row.raw !== undefined || row.contentType !== undefined ? { 'Content-Type': row.contentType ?? 'application/json' } : undefined,
    });
    expectNeutronError(reply, row.status, row.type);
    expect(await admin.snapshot()).toEqual(before);
  });

  it('still serves every kind of request after all of them', async () => {
    const demo = apis.demo;
    const pool = await demo.create<Pool>('/v2.0/lb/pools', 'pool', poolBody(f, { name: 'after-the-storm' }).pool);
    expect((await demo.get<{ pool: Pool }>(`/v2.0/lb/pools/${pool.id}`)).body).toEqual({ pool });
    expect((await demo.delete(`/v2.0/lb/pools/${pool.id}`)).status).toBe(204);
  });
});

async function createFixtures(demo: NeutronApi, admin: NeutronApi, otherTenant: string, pem: IssuedCertificate): Promise<Fixtures> {
  const vipNet = await demo.create<Network>('/v2.0/networks', 'network', { name: 'vipnet' });
  const vipSubnet = await demo.create<Subnet>('/v2.0/subnets', 'subnet', {
    name: 'vipsubnet',
    network_id: vipNet.id,
    cidr: '198.18.1.0/24',
    ip_version: 4,
  });
  const poolNet = await demo.create<Network>('/v2.0/networks', 'network', { name: 'poolnet' });
  const poolSubnet = await demo.create<Subnet>('/v2.0/subnets', 'subnet', {
    name: 'poolsubnet',
    network_id: poolNet.id,
    cidr: '198.18.2.0/24',
    ip_version: 4,
  });
  const publicNet = await admin.create<Network>('/v2.0/networks', 'network', { name: 'Public', 'router:external': true });
  await admin.create<Subnet>('/v2.0/subnets', 'subnet', {
    name: 'public-subnet',
    network_id: publicNet.id,
    cidr: '198.19.0.0/24',
    ip_version: 4,
  });

  const pool = await demo.create<Pool>('/v2.0/lb/pools', 'pool', {
    name: 'mypool',
    protocol: 'HTTP',
    lb_method: 'ROUND_ROBIN',
    subnet_id: poolSubnet.id,
  });
  const sparePool = await demo.create<Pool>('/v2.0/lb/pools', 'pool', {
    name: 'sparepool',
    protocol: 'HTTP',
    lb_method: 'ROUND_ROBIN',
    subnet_id: poolSubnet.id,
  });
  const member = await demo.create<Member>('/v2.0/lb/members', 'member', { pool_id: pool.id, address: '198.18.2.11', protocol_port: 80 });
  const certificate = await demo.create<Certificate>('/v2.0/lb/certificates', 'certificate', {
    name: 'site',
    certificate: pem.certificatePem,
    private_key: pem.privateKeyPem,
  });
  const vip = await demo.create<Vip>('/v2.0/lb/vips', 'vip', {
    name: 'myvip',
    protocol: 'HTTP',
    protocol_port: 80,
    subnet_id: vipSubnet.id,
    pool_id: pool.id,
    address: '198.18.1.10',
    tls_certificate_id: certificate.id,
  });
  const associatedMonitor = await demo.create<HealthMonitor>('/v2.0/lb/health_monitors', 'health_monitor', monitorBody().health_monitor);
  const looseMonitor = await demo.create<HealthMonitor>('/v2.0/lb/health_monitors', 'health_monitor', {
    type: 'TCP',
    delay: 5,
    timeout: 3,
    max_retries: 2,
  });
  const associated = await demo.post(`/v2.0/lb/pools/${pool.id}/health_monitors`, { health_monitor: { id: associatedMonitor.id } });
  if (associated.status !== 201) throw new Error(`associate monitor: ${associated.status} ${associated.text}`);
  const floatingIp = await demo.create<FloatingIp>('/v2.0/floatingips', 'floatingip', { floating_network_id: publicNet.id });

  return {
    vipNet,
    vipSubnet,
    poolNet,
    poolSubnet,
    publicNet,
    pool,
    sparePool,
    member,
    vip,
    associatedMonitor,
    looseMonitor,
    floatingIp,
    otherTenant,
    certificate,
    pem,
  };
}
