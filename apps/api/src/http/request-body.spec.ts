import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors';
import { MAX_BODY_BYTES, MAX_DISCARDED_BYTES, parseResourceBody, readBody } from './request-body';
import type { BodySchemaName } from './schemas';

const POOL = '0f4d3e4a-6c2b-4a51-9b7e-2d8c1f0a9b31';
const SUBNET = '5a9e7c12-3b4d-4e6f-8a1b-9c0d2e3f4a5b';
const NET = '7c1b2a3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

/** A valid body for every schema; each bad row changes one thing. */
const VALID: Record<BodySchemaName, { key: string; body: Record<string, unknown> }> = {
  createNetwork: { key: 'network', body: { name: 'vipnet', admin_state_up: true, 'router:external': false } },
  updateNetwork: { key: 'network', body: { name: 'renamed' } },
  createSubnet: { key: 'subnet', body: { network_id: NET, cidr: '198.18.1.0/24', ip_version: 4, gateway_ip: null } },
  updateSubnet: { key: 'subnet', body: { name: 'renamed', dns_nameservers: ['198.18.0.53'] } },
  createFloatingIp: { key: 'floatingip', body: { floating_network_id: NET } },
  updateFloatingIp: { key: 'floatingip', body: { port_id: null } },
  createPool: { key: 'pool', body: { name: 'mypool', subnet_id: SUBNET, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' } },
  updatePool: { key: 'pool', body: { lb_method: 'LEAST_CONNECTIONS' } },
  createMember: { key: 'member', body: { pool_id: POOL, address: '198.18.2.11', protocol_port: 80, weight: 1 } },
  updateMember: { key: 'member', body: { weight: 0 } },
  createVip: {
    key: 'vip',
    body: {
      name: 'myvip',
      subnet_id: SUBNET,
      protocol: 'HTTP',
      protocol_port: 80,
      pool_id: POOL,
      session_persistence: { type: 'APP_COOKIE', cookie_name: 'sid' },
      connection_limit: -1,
    },
  },
  updateVip: { key: 'vip', body: { session_persistence: null, connection_limit: 1000 } },
  createHealthMonitor: {
    key: 'health_monitor',
    body: { type: 'HTTP', delay: 20, timeout: 10, max_retries: 3, expected_codes: '200-204', url_path: '/health' },
  },
  updateHealthMonitor: { key: 'health_monitor', body: { max_retries: 10, expected_codes: '200,202' } },
  associateHealthMonitor: { key: 'health_monitor', body: { id: POOL } },
  // The schema bounds PEM text only; parsing it is readCertificateBundle's (libs/secrets), after the schema.
  createCertificate: {
    key: 'certificate',
    body: { name: 'www', certificate: '-----BEGIN CERTIFICATE-----', private_key: '-----BEGIN PRIVATE KEY-----' },
  },
  updateCertificate: { key: 'certificate', body: { description: 'renewed' } },
};

function parse(schema: BodySchemaName, fields: Record<string, unknown>, drop: readonly string[] = []): unknown {
  const { key, body } = VALID[schema];
  const inner: Record<string, unknown> = { ...body, ...fields };
  for (const name of drop) delete inner[name];
  return parseResourceBody(JSON.stringify({ [key]: inner }), key, schema);
}

function rejection(run: () => unknown): HttpError {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('parseResourceBody', () => {
  it.each(Object.keys(VALID) as BodySchemaName[])('accepts a valid %s body as it is', (schema) => {
    const { key, body } = VALID[schema];
    expect(parseResourceBody(JSON.stringify({ [key]: body }), key, schema)).toEqual(body);
  });

  it.each([
    ['weight 0', 'createMember', { weight: 0 }],
    ['weight 256', 'createMember', { weight: 256 }],
    ['protocol_port 1', 'createMember', { protocol_port: 1 }],
    ['protocol_port 65535', 'createVip', { protocol_port: 65535 }],
    ['max_retries 1', 'createHealthMonitor', { max_retries: 1 }],
    ['max_retries 10', 'createHealthMonitor', { max_retries: 10 }],
    ['connection_limit -1', 'updateVip', { connection_limit: -1 }],
    ['a name of 255 characters', 'createPool', { name: 'n'.repeat(255) }],
    ['an empty name', 'createPool', { name: '' }],
    ['every lb_method', 'updatePool', { lb_method: 'SOURCE_IP' }],
    ['a TCP monitor', 'createHealthMonitor', { type: 'PING' }],
    ['session persistence SOURCE_IP', 'createVip', { session_persistence: { type: 'SOURCE_IP' } }],
    ['an explicit VIP address', 'createVip', { address: '198.18.1.10' }],
    ['an admin passing a tenant_id', 'createPool', { tenant_id: 'a1b2c3d4e5f6' }],
    ['associating with port_id', 'updateFloatingIp', { port_id: POOL, fixed_ip_address: '198.18.1.10' }],
  ] as const)('accepts %s', (_desc, schema, fields) => {
    expect(() => parse(schema, fields)).not.toThrow();
  });

  const BAD: readonly (readonly [string, BodySchemaName, Record<string, unknown>, readonly string[], string])[] = [
    // unknown fields and read-only fields
    ['an unknown field', 'createPool', { colour: 'blue' }, [], "Unrecognized attribute(s) 'colour'"],
    ['a read-only field on update', 'updatePool', { protocol: 'TCP' }, [], "Unrecognized attribute(s) 'protocol'"],
    ['the id on create', 'createMember', { id: POOL }, [], "Unrecognized attribute(s) 'id'"],
    ['status on update', 'updateVip', { status: 'ACTIVE' }, [], "Unrecognized attribute(s) 'status'"],
    [
      'an unknown field in session_persistence',
      'createVip',
      { session_persistence: { type: 'SOURCE_IP', ttl: 5 } },
      [],
      "Unrecognized attribute(s) 'ttl'",
    ],
    [
      'an unknown field in an allocation pool',
      'createSubnet',
      { allocation_pools: [{ start: '198.18.1.2', end: '198.18.1.9', step: 1 }] },
      [],
      "Unrecognized attribute(s) 'step'",
    ],
    ['network_id moved on subnet update', 'updateSubnet', { network_id: NET }, [], "Unrecognized attribute(s) 'network_id'"],
    // required fields
    ['no subnet_id', 'createPool', {}, ['subnet_id'], "Required attribute 'subnet_id' not specified"],
    ['no protocol', 'createVip', {}, ['protocol'], "Required attribute 'protocol' not specified"],
    ['no protocol_port', 'createMember', {}, ['protocol_port'], "Required attribute 'protocol_port' not specified"],
    ['no monitor type', 'createHealthMonitor', {}, ['type'], "Required attribute 'type' not specified"],
    ['no cidr', 'createSubnet', {}, ['cidr'], "Required attribute 'cidr' not specified"],
    ['no port_id on floating IP update', 'updateFloatingIp', {}, ['port_id'], "Required attribute 'port_id' not specified"],
    ['no monitor id', 'associateHealthMonitor', {}, ['id'], "Required attribute 'id' not specified"],
    // enums
    ['protocol FTP', 'createPool', { protocol: 'FTP' }, [], "protocol. Reason: 'FTP' is not in ['HTTP', 'HTTPS', 'TCP']"],
    ['lb_method RANDOM', 'createPool', { lb_method: 'RANDOM' }, [], "'RANDOM' is not in ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP']"],
    ['lower-case protocol', 'createVip', { protocol: 'http' }, [], "'http' is not in"],
    ['monitor type UDP', 'createHealthMonitor', { type: 'UDP' }, [], "'UDP' is not in ['PING', 'TCP', 'HTTP', 'HTTPS']"],
    [
      'session persistence COOKIE_JAR',
      'createVip',
      { session_persistence: { type: 'COOKIE_JAR' } },
      [],
      "session_persistence.type. Reason: 'COOKIE_JAR' is not in",
    ],
    ['http_method FETCH', 'createHealthMonitor', { http_method: 'FETCH' }, [], "http_method. Reason: 'FETCH' is not in"],
    ['provider octavia', 'createPool', { provider: 'octavia' }, [], "'octavia' is not in ['haproxy']"],
    ['ip_version 6', 'createSubnet', { ip_version: 6 }, [], 'ip_version. Reason: 6 is not in [4]'],
    // ranges
    ['weight 257', 'createMember', { weight: 257 }, [], 'weight. Reason: 257 must be <= 256'],
    ['weight 300 on update', 'updateMember', { weight: 300 }, [], 'weight. Reason: 300 must be <= 256'],
    ['weight -1', 'createMember', { weight: -1 }, [], 'weight. Reason: -1 must be >= 0'],
    ['max_retries 11', 'createHealthMonitor', { max_retries: 11 }, [], 'max_retries. Reason: 11 must be <= 10'],
    ['max_retries 0', 'updateHealthMonitor', { max_retries: 0 }, [], 'max_retries. Reason: 0 must be >= 1'],
    ['delay -1', 'createHealthMonitor', { delay: -1 }, [], 'delay. Reason: -1 must be >='],
    ['timeout -5', 'updateHealthMonitor', { timeout: -5 }, [], 'timeout. Reason: -5 must be >='],
    ['protocol_port 0', 'createMember', { protocol_port: 0 }, [], 'protocol_port. Reason: 0 must be >= 1'],
    ['protocol_port 65536', 'createVip', { protocol_port: 65536 }, [], 'protocol_port. Reason: 65536 must be <= 65535'],
    ['connection_limit -2', 'createVip', { connection_limit: -2 }, [], 'connection_limit. Reason: -2 must be >= -1'],
    ['a name of 256 characters', 'createPool', { name: 'n'.repeat(256) }, [], 'name. Reason:'],
    ['a description of 256 characters', 'updateVip', { description: 'd'.repeat(256) }, [], 'description. Reason:'],
    // types: no coercion
    ['weight "3"', 'createMember', { weight: '3' }, [], "weight. Reason: '3' must be integer"],
    ['protocol_port 80.5', 'createMember', { protocol_port: 80.5 }, [], 'protocol_port. Reason: 80.5 must be integer'],
    ['delay as a string', 'createHealthMonitor', { delay: '20' }, [], "delay. Reason: '20' must be integer"],
    ['admin_state_up "yes"', 'createPool', { admin_state_up: 'yes' }, [], "admin_state_up. Reason: 'yes' must be boolean"],
    ['admin_state_up 1', 'updateMember', { admin_state_up: 1 }, [], 'admin_state_up. Reason: 1 must be boolean'],
    ['connection_limit "many"', 'createVip', { connection_limit: 'many' }, [], "connection_limit. Reason: 'many' must be integer"],
    ['name as a number', 'createNetwork', { name: 42 }, [], 'name. Reason: 42 must be string'],
    ['port_id a number', 'updateFloatingIp', { port_id: 5 }, [], 'port_id. Reason: 5 is not of type string or null'],
    [
      'session_persistence a string',
      'updateVip',
      { session_persistence: 'SOURCE_IP' },
      [],
      "session_persistence. Reason: 'SOURCE_IP' is not of type object or null",
    ],
    ['dns_nameservers not a list', 'updateSubnet', { dns_nameservers: '198.18.0.53' }, [], 'dns_nameservers. Reason:'],
    // formats
    [
      'member address a host name',
      'createMember',
      { address: 'backend-1' },
      [],
      "address. Reason: 'backend-1' is not a valid IPv4 address",
    ],
    ['member address out of range', 'createMember', { address: '198.18.2.300' }, [], "'198.18.2.300' is not a valid IPv4 address"],
    ['an IPv6 VIP address', 'createVip', { address: '2001:db8::1' }, [], "'2001:db8::1' is not a valid IPv4 address"],
    ['pool_id not a uuid', 'createMember', { pool_id: 'mypool' }, [], "pool_id. Reason: 'mypool' is not a valid UUID"],
    ['subnet_id not a uuid', 'createVip', { subnet_id: '1234' }, [], "subnet_id. Reason: '1234' is not a valid UUID"],
    ['monitor id not a uuid', 'associateHealthMonitor', { id: 'monitor-1' }, [], "id. Reason: 'monitor-1' is not a valid UUID"],
    ['port_id not a uuid', 'updateFloatingIp', { port_id: 'port-1' }, [], "port_id. Reason: 'port-1' is not a valid UUID"],
    ['gateway_ip not an address', 'createSubnet', { gateway_ip: 'gw' }, [], "gateway_ip. Reason: 'gw' is not a valid IPv4 address"],
    ['cidr /33', 'createSubnet', { cidr: '198.18.3.0/33' }, [], "cidr. Reason: '198.18.3.0/33' must match pattern"],
    ['cidr without a prefix', 'createSubnet', { cidr: '198.18.3.0' }, [], 'cidr. Reason:'],
    ['expected_codes "abc"', 'createHealthMonitor', { expected_codes: 'abc' }, [], "expected_codes. Reason: 'abc' must match pattern"],
    ['expected_codes 600', 'updateHealthMonitor', { expected_codes: '600' }, [], 'expected_codes. Reason:'],
    ['url_path without a slash', 'createHealthMonitor', { url_path: 'health' }, [], 'url_path. Reason:'],
    ['url_path with a space', 'createHealthMonitor', { url_path: '/a b' }, [], 'url_path. Reason:'],
    [
      'an empty cookie_name',
      'createVip',
      { session_persistence: { type: 'APP_COOKIE', cookie_name: '' } },
      [],
      'session_persistence.cookie_name. Reason:',
    ],
    ['a tenant_id with a space', 'createPool', { tenant_id: 'a b' }, [], 'tenant_id. Reason:'],
  ];

  it('covers many bad bodies', () => {
    expect(BAD.length).toBeGreaterThanOrEqual(50);
  });

  // Like Neutron: a value its converters cannot turn into an integer or boolean is InvalidInput.
  it.each(BAD)('rejects %s (%s) with 400', (_desc, schema, fields, drop, message) => {
    const error = rejection(() => parse(schema, fields, drop));
    const type = /must be (integer|boolean)$/.test(message) ? 'InvalidInput' : 'HTTPBadRequest';
    expect({ status: error.status, type: error.type }).toEqual({ status: 400, type });
    expect(error.message).toContain(message);
  });

  it('never echoes a long value back whole', () => {
    const error = rejection(() => parse('createMember', { address: `${'9'.repeat(500)}` }));
    expect(error.message).toContain('...');
    expect(error.message.length).toBeLessThan(200);
  });

  describe('the envelope', () => {
    it.each([
      ['an empty body', '', 400, 'HTTPBadRequest', 'Resource body required'],
      ['only white space', ' \n', 400, 'HTTPBadRequest', 'Resource body required'],
      ['malformed JSON', '{"pool": {"name": ', 400, 'MalformedRequestBody', 'not valid JSON'],
      ['a trailing comma', '{"pool": {},}', 400, 'MalformedRequestBody', 'not valid JSON'],
      ['an array', '[]', 400, 'HTTPBadRequest', "expected an object with the key 'pool'"],
      ['a string', '"pool"', 400, 'HTTPBadRequest', "expected an object with the key 'pool'"],
      ['null', 'null', 400, 'HTTPBadRequest', "expected an object with the key 'pool'"],
      ['a number', '42', 400, 'HTTPBadRequest', "expected an object with the key 'pool'"],
      ['an empty object', '{}', 400, 'HTTPBadRequest', "Unable to find 'pool'"],
      ['the wrong key', '{"member": {}}', 400, 'HTTPBadRequest', "Unable to find 'pool'"],
      ['the plural key', '{"pools": {}}', 400, 'HTTPBadRequest', "Unable to find 'pool'"],
      [
        'a second key',
        `{"pool": {"subnet_id": "${SUBNET}", "protocol": "HTTP", "lb_method": "ROUND_ROBIN"}, "extra": 1}`,
        400,
        'HTTPBadRequest',
        'it must be the only key',
      ],
      ['a null resource', '{"pool": null}', 400, 'HTTPBadRequest', 'expected an object'],
      ['a list as the resource', '{"pool": []}', 400, 'HTTPBadRequest', 'expected an object'],
      ['a string as the resource', '{"pool": "mypool"}', 400, 'HTTPBadRequest', 'expected an object'],
      [
        '__proto__ inside the resource',
        `{"pool": {"subnet_id": "${SUBNET}", "protocol": "HTTP", "lb_method": "ROUND_ROBIN", "__proto__": {"admin": true}}}`,
        400,
        'HTTPBadRequest',
        "Unrecognized attribute(s) '__proto__'",
      ],
    ])('rejects %s', (_desc, raw, status, type, message) => {
      const error = rejection(() => parseResourceBody(raw, 'pool', 'createPool'));
      expect({ status: error.status, type: error.type }).toEqual({ status, type });
      expect(error.message).toContain(message);
    });
  });
});

function request(headers: Record<string, string> = {}): { req: IncomingMessage; stream: PassThrough } {
  const stream = new PassThrough();
  return { req: Object.assign(stream, { headers }) as unknown as IncomingMessage, stream };
}

describe('readBody', () => {
  it('reads the whole body as UTF-8', async () => {
    const { req, stream } = request();
    const read = readBody(req);
    stream.write('{"pool": {"name": "caf');
    stream.end('é"}}');
    await expect(read).resolves.toBe('{"pool": {"name": "café"}}');
  });

  it('reads an empty body as the empty string', async () => {
    const { req, stream } = request();
    const read = readBody(req);
    stream.end();
    await expect(read).resolves.toBe('');
  });

  it('accepts a body of exactly the limit', async () => {
    const { req, stream } = request();
    const read = readBody(req);
    stream.end(Buffer.alloc(MAX_BODY_BYTES, 0x20));
    await expect(read).resolves.toHaveLength(MAX_BODY_BYTES);
  });

  it('answers 413 for a declared length over 1 MiB once it has read and dropped the rest, so the client can read the answer', async () => {
    const { req, stream } = request({ 'content-length': String(3 * MAX_BODY_BYTES) });
    let settled = false;
    const read = readBody(req).finally(() => (settled = true));
    stream.write(Buffer.alloc(2 * MAX_BODY_BYTES, 0x20));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    stream.end(Buffer.alloc(MAX_BODY_BYTES, 0x20));
    await expect(read).rejects.toMatchObject({ status: 413, type: 'HTTPRequestEntityTooLarge' });
  });

  it('answers 413 at once, without reading, for a declared length beyond what it would drop', async () => {
    const { req } = request({ 'content-length': String(MAX_BODY_BYTES + MAX_DISCARDED_BYTES + 1) });
    await expect(readBody(req)).rejects.toMatchObject({ status: 413, type: 'HTTPRequestEntityTooLarge' });
  });

  it('answers 413 for a streamed body that grows past 1 MiB, whatever its headers say', async () => {
    const { req, stream } = request({ 'content-length': '10' });
    const read = readBody(req);
    for (let i = 0; i < 5; i++) stream.write(Buffer.alloc(256 * 1024 + 1, 0x20));
    stream.end();
    await expect(read).rejects.toMatchObject({ status: 413, type: 'HTTPRequestEntityTooLarge' });
  });

  it('stops reading a streamed body once it passes the bound of what it drops', async () => {
    const { req, stream } = request();
    const read = readBody(req);
    stream.write(Buffer.alloc(MAX_BODY_BYTES + MAX_DISCARDED_BYTES + 1, 0x20));
    await expect(read).rejects.toMatchObject({ status: 413, type: 'HTTPRequestEntityTooLarge' });
  });
});
