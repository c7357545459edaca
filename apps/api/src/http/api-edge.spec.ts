import 'reflect-metadata';
import { Conflict, NotFound } from '@lbaas/domain';
import { TokenFileAuthenticator } from '@lbaas/identity';
import { ServiceMetrics } from '@lbaas/service-shell';
import { parsePrometheusText, sampleValue } from '@lbaas/testing';
import type { ClientProxy } from '@nestjs/microservices';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { defer, type Observable, of } from 'rxjs';
import { API_CONTROLLERS, COMMAND_PROVIDERS, EDGE_PROVIDERS } from '../app.module';
import type { RequestContext } from '../commands/request-context';
import { API_METRICS } from '../controllers/service-endpoints.controller';
import { API_LOGGER } from '../logger';
import { NatsConnectionState } from '../nats-connection-state';
import { PROJECTIONS_CLIENT, ReadSide, WriteProgress } from '../read-side';
import { createApiServer } from './api-server';
import { filtersOf } from './list-query';
import { AUTHENTICATOR } from './policy.guard';

/**
 * The HTTP edge (controllers, guard, pipes, filter) over real HTTP on Fastify, with the command
 * side and the projections' NATS client replaced by recorders: what reaches them, and what the
 * client gets back.
 */

const DEMO = 'demo-token-0123456789abcdef';
const ADMIN = 'admin-token-0123456789abcdef';
const READER = 'reader-token-0123456789abcdef';
const POOL = '0f4d3e4a-6c2b-4a51-9b7e-2d8c1f0a9b31';
const SUBNET = '5a9e7c12-3b4d-4e6f-8a1b-9c0d2e3f4a5b';
const MONITOR = '7c1b2a3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const REQUEST_ID = /^req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface CommandCall {
  readonly method: string;
  readonly ctx: RequestContext;
  readonly args: unknown[];
}
interface Query {
  readonly pattern: string;
  readonly payload: Record<string, unknown>;
}

/** Answers every command of every resource with `next` (a value, or an error to throw) and records the call. */
class RecordingCommands {
  readonly calls: CommandCall[] = [];
  next: { resource?: object; seq: number } | Error = { seq: 1 };

  // Only command names: Nest probes a provider for lifecycle hooks and `then`.
  readonly service: object = new Proxy(
    {},
    {
      get: (_target, method) =>
        typeof method !== 'string' || !/^(create|update|delete|associate|disassociate|reseal)[A-Z]/.test(method)
          ? undefined
          : async (ctx: RequestContext, ...args: unknown[]) => {
              this.calls.push({ method, ctx, args });
              if (this.next instanceof Error) throw this.next;
              return this.next;
            },
    },
  );
}

/** The projections' side of NATS request/reply: a canned reply per pattern. */
class RecordingQueries {
  readonly queries: Query[] = [];
  replies: Record<string, () => Observable<unknown>> = {};

  readonly client = {
    send: (pattern: string, payload: Record<string, unknown>) => {
      this.queries.push({ pattern, payload });
      const reply = this.replies[pattern];
      return reply ? reply() : of({ error: { status: 500, type: 'InternalError', message: `no reply for ${pattern}` } });
    },
    close: async () => undefined,
  } as unknown as ClientProxy;

  last(pattern: string): Record<string, unknown> {
    const found = [...this.queries].reverse().find((q) => q.pattern === pattern);
    if (!found) throw new Error(`no ${pattern} query`);
    return found.payload;
  }
}

describe('the Neutron HTTP edge', () => {
  let dir: string;
  let app: NestFastifyApplication;
  let base: string;
  let metrics: ServiceMetrics;
  let commands: RecordingCommands;
  let queries: RecordingQueries;
  let logLines: Record<string, unknown>[];
  const nats = { connected: true };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lbaas-api-edge-'));
    const tokens = join(dir, 'tokens.json');
    writeFileSync(
      tokens,
      JSON.stringify({
        demo: { token: DEMO, tenant_id: 'tenant-demo', roles: ['member'] },
        admin: { token: ADMIN, tenant_id: 'tenant-admin', roles: ['admin'] },
        auditor: { token: READER, tenant_id: 'tenant-demo', roles: ['reader'] },
      }),
    );
    commands = new RecordingCommands();
    queries = new RecordingQueries();
    logLines = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
    metrics = new ServiceMetrics('api');
    class EdgeUnderTest {}
    const commandStandIns = COMMAND_PROVIDERS.map((provide) => ({ provide, useValue: commands.service }));
    app = await createApiServer(
      {
        module: EdgeUnderTest,
        controllers: API_CONTROLLERS,
        providers: [
          ...EDGE_PROVIDERS,
          ...commandStandIns,
          WriteProgress,
          ReadSide,
          { provide: PROJECTIONS_CLIENT, useValue: queries.client },
          { provide: AUTHENTICATOR, useValue: new TokenFileAuthenticator(tokens) },
          { provide: API_LOGGER, useValue: logger },
          { provide: API_METRICS, useValue: metrics },
          { provide: NatsConnectionState, useValue: nats },
        ],
      },
      { logger, metrics },
    );
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    commands.calls.length = 0;
    commands.next = { seq: 1 };
    queries.queries.length = 0;
    queries.replies = {};
    logLines.length = 0;
  });

  async function call(
    method: string,
    path: string,
    options: { token?: string | null; json?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? DEMO : options.token;
    if (token !== null) headers['X-Auth-Token'] = token;
    let body: string | undefined;
    if (options.json !== undefined) body = JSON.stringify(options.json);
    if (options.raw !== undefined) body = options.raw;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${base}${path}`, { method, headers, body });
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: response.status, headers: response.headers, text, json: json as Record<string, any> | null };
  }

  function expectError(reply: { status: number; json: Record<string, any> | null }, status: number, type: string): void {
    expect({ status: reply.status, type: reply.json?.NeutronError?.type }).toEqual({ status, type });
    expect(Object.keys(reply.json?.NeutronError ?? {}).sort()).toEqual(['detail', 'message', 'type']);
  }

  const pool = { id: POOL, tenant_id: 'tenant-demo', name: 'mypool', subnet_id: SUBNET, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' };
  const createPool = { pool: { name: 'mypool', subnet_id: SUBNET, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' } };

  describe('writes', () => {
    it('creates with 201 and the resource the command service returns, stamping who and why', async () => {
      commands.next = { resource: pool, seq: 7 };
      const reply = await call('POST', '/v2.0/lb/pools', { json: createPool });
      expect(reply.status).toBe(201);
      expect(reply.json).toEqual({ pool });
      const requestId = reply.headers.get('x-openstack-request-id');
      expect(requestId).toMatch(REQUEST_ID);
      expect(commands.calls).toEqual([
        {
          method: 'createPool',
          ctx: { tenantId: 'tenant-demo', isAdmin: false, actor: 'demo', correlationId: requestId, idempotencyKey: null },
          args: [createPool.pool],
        },
      ]);
    });

    it('passes the Idempotency-Key of a POST on, and ignores it elsewhere', async () => {
      commands.next = { resource: pool, seq: 2 };
      await call('POST', '/v2.0/lb/pools', { json: createPool, headers: { 'Idempotency-Key': 'retry-me-1' } });
      await call('PUT', `/v2.0/lb/pools/${POOL}`, { json: { pool: { name: 'n' } }, headers: { 'Idempotency-Key': 'retry-me-2' } });
      expect(commands.calls.map((c) => c.ctx.idempotencyKey)).toEqual(['retry-me-1', null]);
    });

    it('updates with 200 and the resource, passing the id from the path', async () => {
      commands.next = { resource: { ...pool, name: 'renamed' }, seq: 3 };
      const reply = await call('PUT', `/v2.0/lb/pools/${POOL}`, { json: { pool: { name: 'renamed' } } });
      expect({ status: reply.status, body: reply.json }).toEqual({ status: 200, body: { pool: { ...pool, name: 'renamed' } } });
      expect(commands.calls.map((c) => [c.method, ...c.args])).toEqual([['updatePool', POOL, { name: 'renamed' }]]);
    });

    it('deletes with 204 and no body', async () => {
      const reply = await call('DELETE', `/v2.0/lb/vips/${POOL}`);
      expect({ status: reply.status, text: reply.text }).toEqual({ status: 204, text: '' });
      expect(commands.calls.map((c) => [c.method, ...c.args])).toEqual([['deleteVip', POOL]]);
    });

    it('associates a monitor with 201 and {"health_monitor": {}}, and disassociates with 204', async () => {
      const associated = await call('POST', `/v2.0/lb/pools/${POOL}/health_monitors`, { json: { health_monitor: { id: MONITOR } } });
      expect({ status: associated.status, body: associated.json }).toEqual({ status: 201, body: { health_monitor: {} } });
      const dissociated = await call('DELETE', `/v2.0/lb/pools/${POOL}/health_monitors/${MONITOR}`);
      expect(dissociated.status).toBe(204);
      expect(commands.calls.map((c) => [c.method, ...c.args])).toEqual([
        ['associateHealthMonitor', POOL, MONITOR],
        ['disassociateHealthMonitor', POOL, MONITOR],
      ]);
    });

    it('disassociates a floating IP with port_id null', async () => {
      commands.next = { resource: { id: POOL, port_id: null }, seq: 4 };
      const reply = await call('PUT', `/v2.0/floatingips/${POOL}.json`, { json: { floatingip: { port_id: null } } });
      expect(reply.status).toBe(200);
      expect(commands.calls.map((c) => [c.method, ...c.args])).toEqual([['updateFloatingIp', POOL, { port_id: null }]]);
    });

    it.each([
      ['a second VIP', new Conflict('VipExists', `Another Vip already exists for pool ${POOL}`), 409, 'VipExists'],
      ['a missing pool', new NotFound('Pool', POOL), 404, 'PoolNotFound'],
    ])('answers a rejection (%s) with its status and type', async (_desc, error, status, type) => {
      commands.next = error;
      const reply = await call('POST', '/v2.0/lb/vips', {
        json: { vip: { subnet_id: SUBNET, protocol: 'HTTP', protocol_port: 80, pool_id: POOL } },
      });
      expectError(reply, status, type);
      expect(reply.json?.NeutronError.message).toBe(error.message);
    });

    it('answers an unexpected failure with an opaque 500 and logs it with the request id', async () => {
      commands.next = new TypeError("Cannot read properties of undefined (reading 'tenantId')");
      const reply = await call('DELETE', `/v2.0/lb/pools/${POOL}`);
      expectError(reply, 500, 'HTTPInternalServerError');
      expect(reply.text).not.toMatch(/TypeError|tenantId|at /);
      const requestId = reply.headers.get('x-openstack-request-id');
      expect(logLines.some((l) => l.correlationId === requestId && l.level === 50)).toBe(true);
    });
  });

  describe('certificates', () => {
    const CERTIFICATE = '3b5d7f90-1a2c-4e6f-8b0d-2f4a6c8e0a1b';
    const PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
    const KEY =
      '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSECRETSECRETSECRET\n-----END PRIVATE KEY-----\n';
    const shown = { id: CERTIFICATE, tenant_id: 'tenant-demo', name: 'site', certificate: PEM, vip_ids: [] };

    it('routes create, update, delete and reads of /v2.0/lb/certificates like every collection', async () => {
      commands.next = { resource: shown, seq: 3 };
      const created = await call('POST', '/v2.0/lb/certificates', {
        json: { certificate: { name: 'site', certificate: PEM, private_key: KEY } },
      });
      expect({ status: created.status, body: created.json }).toEqual({ status: 201, body: { certificate: shown } });
      await call('PUT', `/v2.0/lb/certificates/${CERTIFICATE}`, { json: { certificate: { certificate: PEM, private_key: KEY } } });
      expect((await call('DELETE', `/v2.0/lb/certificates/${CERTIFICATE}`)).status).toBe(204);
      expect(commands.calls.map((c) => [c.method, ...c.args])).toEqual([
        ['createCertificate', { name: 'site', certificate: PEM, private_key: KEY }],
        ['updateCertificate', CERTIFICATE, { certificate: PEM, private_key: KEY }],
        ['deleteCertificate', CERTIFICATE],
      ]);
      queries.replies['lbaas.query.list'] = () => of({ items: [shown] });
      expect((await call('GET', '/v2.0/lb/certificates?name=site')).json).toEqual({ certificates: [shown] });
      expect(queries.last('lbaas.query.list')).toMatchObject({
        collection: 'certificates',
        tenantId: 'tenant-demo',
        filters: { name: ['site'] },
      });
      queries.replies['lbaas.query.get'] = () => of({ item: null });
      expectError(await call('GET', `/v2.0/lb/certificates/${CERTIFICATE}`), 404, 'CertificateNotFound');
      expectError(await call('DELETE', '/v2.0/lb/certificates/*'), 404, 'CertificateNotFound');
    });

    it.each([
      ['too long', { certificate: PEM, private_key: KEY + 'A'.repeat(70_000) }],
      ['not a string', { certificate: PEM, private_key: [KEY] }],
      ['empty', { certificate: PEM, private_key: '' }],
    ])('never quotes a private key in a message (%s)', async (_desc, fields) => {
      const reply = await call('POST', '/v2.0/lb/certificates', { json: { certificate: fields } });
      expectError(reply, 400, 'HTTPBadRequest');
      expect(reply.json?.NeutronError.message).toMatch(/^Invalid input for private_key\./);
      expect(reply.text).not.toMatch(/PRIVATE KEY|SECRET|MIGHAgEA/);
      expect(JSON.stringify(logLines)).not.toMatch(/PRIVATE KEY|SECRET|MIGHAgEA/);
      expect(commands.calls).toEqual([]);
    });

    it('still quotes a certificate, which is public, like any other value', async () => {
      const reply = await call('POST', '/v2.0/lb/certificates', {
        json: { certificate: { certificate: 'x'.repeat(70_000), private_key: KEY } },
      });
      expect(reply.json?.NeutronError.message).toMatch(/^Invalid input for certificate\. Reason: 'xxxx/);
    });

    it('passes tls_certificate_id of a VIP on, null included, and refuses one that is not a UUID', async () => {
      commands.next = { resource: { id: POOL }, seq: 2 };
      const vip = { subnet_id: SUBNET, protocol: 'HTTP', protocol_port: 443, pool_id: POOL, tls_certificate_id: CERTIFICATE };
      expect((await call('POST', '/v2.0/lb/vips', { json: { vip } })).status).toBe(201);
      expect((await call('PUT', `/v2.0/lb/vips/${POOL}`, { json: { vip: { tls_certificate_id: null } } })).status).toBe(200);
      expect(commands.calls.map((c) => [c.method, ...c.args])).toEqual([
        ['createVip', vip],
        ['updateVip', POOL, { tls_certificate_id: null }],
      ]);
      expectError(await call('PUT', `/v2.0/lb/vips/${POOL}`, { json: { vip: { tls_certificate_id: 'mycert' } } }), 400, 'HTTPBadRequest');
    });

    describe('reseal', () => {
      const path = `/v2.0/lb/certificates/${CERTIFICATE}/reseal`;

      it.each([
        ['no body', undefined],
        ['an empty object', '{}'],
        ['an empty object and whitespace', ' {}\n'],
      ])('reseals for an administrator with %s, answering the certificate', async (_desc, raw) => {
        commands.next = { resource: shown, seq: 9 };
        const reply = await call('PUT', path, { token: ADMIN, raw });
        expect({ status: reply.status, body: reply.json }).toEqual({ status: 200, body: { certificate: shown } });
        expect(commands.calls.map((c) => [c.method, c.ctx.isAdmin, ...c.args])).toEqual([['resealCertificate', true, CERTIFICATE]]);
      });

      it.each([
        ['a member', DEMO, undefined, 403, 'PolicyNotAuthorized'],
        ['a reader', READER, undefined, 403, 'PolicyNotAuthorized'],
        ['a member, whatever the body', DEMO, 'not json', 403, 'PolicyNotAuthorized'],
        ['a body with fields', ADMIN, JSON.stringify({ certificate: {} }), 400, 'HTTPBadRequest'],
        ['an array', ADMIN, '[]', 400, 'HTTPBadRequest'],
        ['malformed JSON', ADMIN, '{', 400, 'MalformedRequestBody'],
        ['a body over 1 MiB', ADMIN, `{"x": "${'x'.repeat(1_100_000)}"}`, 413, 'HTTPRequestEntityTooLarge'],
      ])('refuses %s', async (_desc, token, raw, status, type) => {
        expectError(await call('PUT', path, { token, raw }), status, type);
        expect(commands.calls).toEqual([]);
      });

      it('answers an id that is not a UUID with CertificateNotFound, and other methods with 405', async () => {
        expectError(await call('PUT', '/v2.0/lb/certificates/mycert/reseal', { token: ADMIN }), 404, 'CertificateNotFound');
        expectError(await call('POST', path, { token: ADMIN }), 405, 'HTTPMethodNotAllowed');
        expect(commands.calls).toEqual([]);
      });
    });
  });

  describe('reads', () => {
    it('lists through the projections with filters (repeated keys), fields and the tenant', async () => {
      queries.replies['lbaas.query.list'] = () => of({ items: [{ id: POOL, name: 'a' }] });
      const reply = await call('GET', '/v2.0/lb/pools?name=a&name=b&protocol=HTTP&fields=id&fields=name');
      expect({ status: reply.status, body: reply.json }).toEqual({ status: 200, body: { pools: [{ id: POOL, name: 'a' }] } });
      expect(queries.last('lbaas.query.list')).toMatchObject({
        collection: 'pools',
        tenantId: 'tenant-demo',
        filters: { name: ['a', 'b'], protocol: ['HTTP'] },
        fields: ['id', 'name'],
      });
    });

    it('lets an admin see every tenant', async () => {
      queries.replies['lbaas.query.list'] = () => of({ items: [] });
      await call('GET', '/v2.0/networks.json', { token: ADMIN });
      expect(queries.last('lbaas.query.list')).toMatchObject({ collection: 'networks', tenantId: null });
    });

    it('shows one resource in its envelope, and answers 404 with the resource type when it is absent', async () => {
      queries.replies['lbaas.query.get'] = () => of({ item: pool });
      expect((await call('GET', `/v2.0/lb/pools/${POOL}`)).json).toEqual({ pool });
      expect(queries.last('lbaas.query.get')).toMatchObject({ collection: 'pools', id: POOL, tenantId: 'tenant-demo', fields: [] });
      queries.replies['lbaas.query.get'] = () => of({ item: null });
      expectError(await call('GET', `/v2.0/lb/health_monitors/${POOL}`), 404, 'HealthMonitorNotFound');
      expectError(await call('GET', `/v2.0/floatingips/${POOL}`), 404, 'FloatingIPNotFound');
    });

    it('answers pool stats in {"stats": {...}}', async () => {
      const stats = { bytes_in: 0, bytes_out: 0, active_connections: 0, total_connections: 0 };
      queries.replies['lbaas.query.pool-stats'] = () => of({ stats });
      const reply = await call('GET', `/v2.0/lb/pools/${POOL}/stats`);
      expect({ status: reply.status, body: reply.json }).toEqual({ status: 200, body: { stats } });
      queries.replies['lbaas.query.pool-stats'] = () => of({ stats: null });
      expectError(await call('GET', `/v2.0/lb/pools/${POOL}/stats`), 404, 'PoolNotFound');
    });

    it('asks for at least the highest sequence this process appended (read your writes)', async () => {
      queries.replies['lbaas.query.list'] = () => of({ items: [] });
      commands.next = { resource: pool, seq: 41 };
      await call('POST', '/v2.0/lb/pools', { json: createPool });
      await call('GET', '/v2.0/lb/pools');
      expect(queries.last('lbaas.query.list').minSeq).toBe(41);
      commands.next = { seq: 40 };
      await call('DELETE', `/v2.0/lb/members/${POOL}`);
      await call('GET', '/v2.0/lb/pools');
      expect(queries.last('lbaas.query.list').minSeq).toBe(41);
    });

    it.each([
      [
        'a lagging projection',
        () => of({ error: { status: 503, type: 'ProjectionLagging', message: 'retry shortly' } }),
        503,
        'ServiceUnavailable',
      ],
      [
        'a bad filter value',
        () => of({ error: { status: 400, type: 'InvalidInput', message: "'x' is not an integer" } }),
        400,
        'InvalidInput',
      ],
      ['no answer at all', () => defer(() => Promise.reject(new Error('no responders'))), 503, 'ServiceUnavailable'],
    ])('maps %s to a NeutronError', async (_desc, reply, status, type) => {
      queries.replies['lbaas.query.list'] = reply;
      expectError(await call('GET', '/v2.0/lb/members'), status, type);
    });
  });

  describe('authentication and roles', () => {
    it.each([
      ['no token on a read', 'GET', '/v2.0/lb/pools', null],
      ['no token on a write', 'POST', '/v2.0/lb/pools', null],
      ['an unknown token', 'DELETE', `/v2.0/lb/pools/${POOL}`, 'not-a-token-0123456789abcdef'],
    ])('answers 401 to %s and touches nothing', async (_desc, method, path, token) => {
      const reply = await call(method, path, { token, json: method === 'POST' ? createPool : undefined });
      expectError(reply, 401, 'HTTPUnauthorized');
      expect(commands.calls).toEqual([]);
      expect(queries.queries).toEqual([]);
    });

    it('lets a reader read but not write', async () => {
      queries.replies['lbaas.query.list'] = () => of({ items: [] });
      expect((await call('GET', '/v2.0/lb/pools', { token: READER })).status).toBe(200);
      expectError(await call('POST', '/v2.0/lb/pools', { token: READER, json: createPool }), 403, 'PolicyNotAuthorized');
      expectError(await call('DELETE', `/v2.0/lb/pools/${POOL}`, { token: READER }), 403, 'PolicyNotAuthorized');
      expect(commands.calls).toEqual([]);
    });

    it('marks an admin as such for the command service', async () => {
      commands.next = { resource: pool, seq: 5 };
      await call('POST', '/v2.0/lb/pools', { token: ADMIN, json: { pool: { ...createPool.pool, tenant_id: 'tenant-demo' } } });
      expect(commands.calls[0]?.ctx).toMatchObject({ tenantId: 'tenant-admin', isAdmin: true, actor: 'admin' });
      expect(commands.calls[0]?.args).toEqual([{ ...createPool.pool, tenant_id: 'tenant-demo' }]);
    });

    it('never logs a token', async () => {
      await call('GET', '/v2.0/lb/pools', { token: 'not-a-token-0123456789abcdef' });
      queries.replies['lbaas.query.list'] = () => of({ items: [] });
      await call('GET', '/v2.0/lb/pools');
      expect(JSON.stringify(logLines)).not.toMatch(/token-0123456789abcdef/);
    });
  });

  describe('bad requests', () => {
    it.each([
      [
        'an unknown field',
        'POST',
        '/v2.0/lb/pools',
        JSON.stringify({ pool: { ...createPool.pool, colour: 'blue' } }),
        400,
        'HTTPBadRequest',
      ],
      [
        'weight 300',
        'POST',
        '/v2.0/lb/members',
        JSON.stringify({ member: { pool_id: POOL, address: '198.18.2.11', protocol_port: 80, weight: 300 } }),
        400,
        'HTTPBadRequest',
      ],
      [
        'max_retries 11',
        'PUT',
        `/v2.0/lb/health_monitors/${MONITOR}`,
        JSON.stringify({ health_monitor: { max_retries: 11 } }),
        400,
        'HTTPBadRequest',
      ],
      ['malformed JSON', 'POST', '/v2.0/lb/pools', '{"pool": ', 400, 'MalformedRequestBody'],
      ['no body', 'PUT', `/v2.0/lb/vips/${POOL}`, '', 400, 'HTTPBadRequest'],
      ['the wrong envelope', 'POST', '/v2.0/lb/vips', JSON.stringify(createPool), 400, 'HTTPBadRequest'],
      [
        'a body over 1 MiB',
        'POST',
        '/v2.0/lb/pools',
        JSON.stringify({ pool: { ...createPool.pool, description: 'x'.repeat(1_100_000) } }),
        413,
        'HTTPRequestEntityTooLarge',
      ],
      ['an unknown route', 'GET', '/v2.0/lb/pizzas', undefined, 404, 'HTTPNotFound'],
      ['an unknown sub-resource', 'GET', `/v2.0/lb/pools/${POOL}/listeners`, undefined, 404, 'HTTPNotFound'],
      ['a broken percent-encoding', 'GET', '/v2.0/lb/pools/%E0%A4%A', undefined, 404, 'HTTPNotFound'],
      ['PUT on a collection', 'PUT', '/v2.0/lb/pools', JSON.stringify(createPool), 405, 'HTTPMethodNotAllowed'],
      ['PATCH on a pool', 'PATCH', `/v2.0/lb/pools/${POOL}`, JSON.stringify({ pool: { name: 'p' } }), 405, 'HTTPMethodNotAllowed'],
      ['creating a port', 'POST', '/v2.0/ports', JSON.stringify({ port: {} }), 405, 'HTTPMethodNotAllowed'],
      // Path ids end up in NATS subjects: wildcards answered 500 and whitespace 503 after a timeout.
      ['a wildcard as a pool id', 'DELETE', '/v2.0/lb/pools/*', undefined, 404, 'PoolNotFound'],
      ['a tail wildcard as a pool id', 'PUT', '/v2.0/lb/pools/%3E', JSON.stringify({ pool: { name: 'n' } }), 404, 'PoolNotFound'],
      [
        'whitespace in a pool id',
        'POST',
        '/v2.0/lb/pools/a%20b/health_monitors',
        JSON.stringify({ health_monitor: { id: MONITOR } }),
        404,
        'PoolNotFound',
      ],
      [
        'a line break as a monitor id',
        'DELETE',
        `/v2.0/lb/pools/${POOL}/health_monitors/%0D%0A`,
        undefined,
        404,
        'PoolMonitorAssociationNotFound',
      ],
      ['a member id that is not a UUID', 'PUT', '/v2.0/lb/members/a.b', JSON.stringify({ member: { weight: 2 } }), 404, 'MemberNotFound'],
      // new URL('//v2.0/...', base) reads a host there and threw outside the error handling: a 500.
      ['a target that starts with //', 'GET', '//v2.0/lb/pools', undefined, 404, 'HTTPNotFound'],
      // The body is judged before the path id, whatever order Nest resolves a handler's parameters in.
      ['a bad body on a wildcard id', 'PUT', '/v2.0/lb/pools/%3E', JSON.stringify({ pool: { colour: 'blue' } }), 400, 'HTTPBadRequest'],
      ['malformed JSON on a wildcard id', 'PUT', '/v2.0/lb/pools/*', '{', 400, 'MalformedRequestBody'],
      ['a body over 1 MiB on a wildcard id', 'PUT', '/v2.0/lb/pools/*', 'x'.repeat(1_100_000), 413, 'HTTPRequestEntityTooLarge'],
      [
        'a bad monitor body on a pool id that is not a UUID',
        'POST',
        '/v2.0/lb/pools/p/health_monitors',
        '{"health_monitor": {}}',
        400,
        'HTTPBadRequest',
      ],
      [
        'a body on reseal of a certificate id that is not a UUID',
        'PUT',
        '/v2.0/lb/certificates/c/reseal',
        '{"a": 1}',
        403,
        'PolicyNotAuthorized',
      ],
      // A static segment the client percent-encoded is not the segment: the router must not decode it.
      ['an escaped letter in a fixed segment', 'GET', '/v2.0/lb/p%6Fols', undefined, 404, 'HTTPNotFound'],
      ['HEAD on a collection', 'HEAD', '/v2.0/lb/pools', undefined, 405, ''],
      // Quoting the value in the message overflowed JSON.stringify's stack: a 500.
      [
        'a deeply nested value',
        'POST',
        '/v2.0/lb/pools',
        `{"pool": {"name": ${'['.repeat(200_000)}${']'.repeat(200_000)}}}`,
        400,
        'HTTPBadRequest',
      ],
    ])('answers %s with %s %s and touches nothing', async (_desc, method, path, raw, status, type) => {
      const reply = await call(method, path, { raw });
      if (method === 'HEAD') expect(reply.status).toBe(status);
      else expectError(reply, status, type);
      expect(reply.headers.get('x-openstack-request-id')).toMatch(REQUEST_ID);
      expect(commands.calls).toEqual([]);
    });

    it('answers a show by an id that is not a UUID without asking the projections, except for operator views named otherwise', async () => {
      expectError(await call('GET', '/v2.0/lb/pools/mypool'), 404, 'PoolNotFound');
      expect(queries.queries).toEqual([]);
      queries.replies['lbaas.query.get'] = () => of({ item: { id: 'compute-node-1' } });
      expect((await call('GET', '/v2.0/lb/nodes/compute-node-1', { token: ADMIN })).status).toBe(200);
    });

    it('still answers after all of them', async () => {
      expect((await call('GET', '/healthz', { token: null })).status).toBe(200);
    });
  });

  describe('service endpoints', () => {
    it('answers /healthz without a token', async () => {
      const reply = await call('GET', '/healthz', { token: null });
      expect({ status: reply.status, body: reply.json }).toEqual({ status: 200, body: { status: 'ok' } });
    });

    it('is ready when NATS is connected and the projections answer, and says why not otherwise', async () => {
      queries.replies['lbaas.query.status'] = () => of({ checkpoint: 9, streamLastSeq: 9 });
      const ready = await call('GET', '/readyz', { token: null });
      expect({ status: ready.status, body: ready.json }).toEqual({
        status: 200,
        body: { status: 'ready', projections: { checkpoint: 9, streamLastSeq: 9 } },
      });
      nats.connected = false;
      try {
        const down = await call('GET', '/readyz', { token: null });
        expect({ status: down.status, body: down.json }).toEqual({
          status: 503,
          body: { status: 'not ready', reason: 'not connected to NATS' },
        });
      } finally {
        nats.connected = true;
      }
      queries.replies['lbaas.query.status'] = () => defer(() => Promise.reject(new Error('no responders')));
      expect((await call('GET', '/readyz', { token: null })).status).toBe(503);
    });

    it('serves the OpenAPI document and a page for it without a CDN', async () => {
      const doc = await call('GET', '/docs/openapi.json', { token: null });
      expect(doc.status).toBe(200);
      expect(doc.json?.paths?.['/v2.0/lb/pools']?.post?.operationId).toBe('createPool');
      const page = await call('GET', '/docs', { token: null });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(page.text).toContain('/docs/openapi.json');
      expect(page.text).not.toMatch(/<script[^>]+src=["']https?:/);
    });

    it('answers JSON as plain application/json and the page as HTML, with no framework header', async () => {
      const health = await call('GET', '/healthz', { token: null });
      expect(health.headers.get('content-type')).toBe('application/json');
      expect(health.headers.get('x-powered-by')).toBeNull();
      expect((await call('GET', '/docs', { token: null })).headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect((await call('DELETE', `/v2.0/lb/vips/${POOL}`)).headers.get('content-type')).toBeNull();
    });

    it('logs one line per request with its id, method, path and status', async () => {
      const reply = await call('GET', '/v2.0/lb/pizzas?x=1');
      const requestId = reply.headers.get('x-openstack-request-id');
      await new Promise((resolve) => setImmediate(resolve));
      expect(logLines.filter((l) => l.msg === 'request' && l.correlationId === requestId)).toEqual([
        expect.objectContaining({ method: 'GET', path: '/v2.0/lb/pizzas', status: 404, ms: expect.any(Number) }),
      ]);
    });

    it('counts every answered request by method, route template and status, and serves them at /metrics, uncounted', async () => {
      queries.replies['lbaas.query.list'] = () => of({ items: [] });
      queries.replies['lbaas.query.get'] = () => of({ item: null });
      await call('GET', '/v2.0/lb/pools?name=web');
      await call('GET', '/v2.0/lb/pools/');
      await call('GET', `/v2.0/lb/pools/${POOL}`);
      await call('PATCH', `/v2.0/lb/members/${POOL}`);
      const scrape = await call('GET', '/metrics', { token: null });
      expect(scrape.status).toBe(200);
      expect(scrape.headers.get('x-openstack-request-id')).toBeNull();
      const samples = parsePrometheusText(scrape.text);
      const count = 'lbaas_http_request_duration_seconds_count';
      expect(sampleValue(samples, count, { method: 'GET', route: '/v2.0/lb/pools', status: '200', service: 'api' })).toBeGreaterThanOrEqual(
        2,
      );
      expect(sampleValue(samples, count, { method: 'GET', route: '/v2.0/lb/pools/{id}', status: '404' })).toBeGreaterThanOrEqual(1);
      expect(sampleValue(samples, count, { method: 'PATCH', route: '/v2.0/lb/members/{id}', status: '405' })).toBe(1);
      expect(scrape.text).not.toContain(POOL);
      expect(samples.filter((s) => s.labels.route === '/metrics')).toEqual([]);
    });

    it('gives every response a fresh request id', async () => {
      const ids = await Promise.all(
        [1, 2, 3].map(async () => (await call('GET', '/healthz', { token: null })).headers.get('x-openstack-request-id')),
      );
      expect(new Set(ids).size).toBe(3);
    });
  });
});

describe('filtersOf', () => {
  it.each([
    ['', {}],
    ['name=a', { name: ['a'] }],
    ['name=a&name=b', { name: ['a', 'b'] }],
    ['name=a&fields=id&fields=name', { name: ['a'] }],
    ['limit=2&marker=x&page_reverse=True&sort_key=name&sort_dir=asc', {}],
    ['tenant_id=t1&admin_state_up=true', { tenant_id: ['t1'], admin_state_up: ['true'] }],
    ['name=my%20pool&description=', { name: ['my pool'], description: [''] }],
    ['router%3Aexternal=True', { 'router:external': ['True'] }],
  ])('reads ?%s as %j', (query, filters) => {
    expect(filtersOf(new URLSearchParams(query))).toEqual(filters);
  });

  // `{}[key] ??= []` found Object.prototype's members there, and push on them threw: a 500.
  it('reads keys named like members of Object.prototype as filters', () => {
    const filters = filtersOf(new URLSearchParams('constructor=a&__proto__=b&toString=c&toString=d'));
    expect(Object.entries(filters)).toEqual([
      ['constructor', ['a']],
      ['__proto__', ['b']],
      ['toString', ['c', 'd']],
    ]);
  });
});
