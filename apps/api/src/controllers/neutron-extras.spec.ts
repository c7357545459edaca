import 'reflect-metadata';
import { TokenFileAuthenticator } from '@lbaas/identity';
import { ServiceMetrics } from '@lbaas/service-shell';
import type { ClientProxy } from '@nestjs/microservices';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { of } from 'rxjs';
import { API_CONTROLLERS, COMMAND_PROVIDERS, EDGE_PROVIDERS } from '../app.module';
import { defaultSecurityGroup, defaultSecurityGroupId } from '../default-security-groups';
import { createApiServer } from '../http/api-server';
import { AUTHENTICATOR } from '../http/policy.guard';
import { API_LOGGER } from '../logger';
import { NatsConnectionState } from '../nats-connection-state';
import { PROJECTIONS_CLIENT, ReadSide, WriteProgress } from '../read-side';
import { API_METRICS } from './service-endpoints.controller';

/** The Neutron resources the service derives (subnet pools, default security groups) over real HTTP, the read side a canned reply. */

const TOKENS = { demo: 'demo-token-0123456789abcdef', admin: 'admin-token-0123456789abcdef', reader: 'reader-token-0123456789abcdef' };
const OWNERS = ['tenant-demo', 'tenant-other'];

describe('subnet pools and security groups', () => {
  let dir: string;
  let app: NestFastifyApplication;
  let base: string;
  let projectQueries = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lbaas-neutron-extras-'));
    const tokens = join(dir, 'tokens.json');
    writeFileSync(
      tokens,
      JSON.stringify({
        demo: { token: TOKENS.demo, tenant_id: 'tenant-demo', roles: ['member'] },
        admin: { token: TOKENS.admin, tenant_id: 'tenant-admin', roles: ['admin'] },
        auditor: { token: TOKENS.reader, tenant_id: 'tenant-demo', roles: ['reader'] },
      }),
    );
    const client = {
      send: (pattern: string) => {
        if (pattern !== 'lbaas.query.projects') throw new Error(`unexpected query ${pattern}`);
        projectQueries++;
        return of({ projects: OWNERS });
      },
      close: async () => undefined,
    } as unknown as ClientProxy;
    const noCommands = new Proxy({}, { get: () => undefined });
    const logger = pino({ level: 'silent' });
    const metrics = new ServiceMetrics('api');
    class ExtrasUnderTest {}
    app = await createApiServer(
      {
        module: ExtrasUnderTest,
        controllers: API_CONTROLLERS,
        providers: [
          ...EDGE_PROVIDERS,
          ...COMMAND_PROVIDERS.map((provide) => ({ provide, useValue: noCommands })),
          WriteProgress,
          ReadSide,
          { provide: PROJECTIONS_CLIENT, useValue: client },
          { provide: AUTHENTICATOR, useValue: new TokenFileAuthenticator(tokens) },
          { provide: API_LOGGER, useValue: logger },
          { provide: API_METRICS, useValue: metrics },
          { provide: NatsConnectionState, useValue: { connected: true } },
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

  async function call(method: string, path: string, token: string = TOKENS.demo) {
    const response = await fetch(`${base}${path}`, { method, headers: { 'X-Auth-Token': token } });
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : null };
  }
  const errorType = (reply: { json: Record<string, unknown> | null }) => (reply.json?.NeutronError as { type?: string } | undefined)?.type;
  const groupsOf = (reply: { json: Record<string, unknown> | null }) =>
    (reply.json?.security_groups as { tenant_id: string }[]).map((g) => g.tenant_id);

  it("lists no subnet pools, in Neutron's envelope, with its list options", async () => {
    expect(await call('GET', '/v2.0/subnetpools')).toEqual({ status: 200, json: { subnetpools: [] } });
    expect(await call('GET', '/v2.0/subnetpools.json?fields=id&name=x&limit=5&sort_key=name&sort_dir=asc', TOKENS.reader)).toEqual({
      status: 200,
      json: { subnetpools: [] },
    });
    const marker = await call('GET', '/v2.0/subnetpools?limit=1&marker=0f4d3e4a-6c2b-4a51-9b7e-2d8c1f0a9b31');
    expect({ status: marker.status, type: errorType(marker) }).toEqual({ status: 400, type: 'HTTPBadRequest' });
    expect((await call('POST', '/v2.0/subnetpools')).status).toBe(405);
  });

  it('shows a project its own default group only, without asking the read side', async () => {
    projectQueries = 0;
    const own = defaultSecurityGroup('tenant-demo');
    expect(await call('GET', '/v2.0/security-groups')).toEqual({ status: 200, json: { security_groups: [own] } });
    expect(await call('GET', '/v2.0/security-groups?tenant_id=tenant-other&name=default')).toEqual({
      status: 200,
      json: { security_groups: [] },
    });
    expect(await call('GET', `/v2.0/security-groups/${own.id}?fields=name&fields=id`)).toEqual({
      status: 200,
      json: { security_group: { name: 'default', id: own.id } },
    });
    const foreign = await call('GET', `/v2.0/security-groups/${defaultSecurityGroupId('tenant-other')}`);
    expect({ status: foreign.status, type: errorType(foreign) }).toEqual({ status: 404, type: 'SecurityGroupNotFound' });
    expect(projectQueries).toBe(0);
  });

  it('shows an administrator the groups of every project that owns anything, its own, and any it names', async () => {
    expect(groupsOf(await call('GET', '/v2.0/security-groups', TOKENS.admin)).sort()).toEqual(['tenant-admin', ...OWNERS].sort());
    expect(groupsOf(await call('GET', '/v2.0/security-groups?tenant_id=tenant-new&name=default', TOKENS.admin))).toEqual(['tenant-new']);
    const other = await call('GET', `/v2.0/security-groups/${defaultSecurityGroupId('tenant-other')}`, TOKENS.admin);
    expect(other).toEqual({ status: 200, json: { security_group: defaultSecurityGroup('tenant-other') } });
    const paged = await call('GET', '/v2.0/security-groups?limit=1&sort_key=tenant_id&sort_dir=desc', TOKENS.admin);
    expect(paged.json).toEqual({
      security_groups: [defaultSecurityGroup('tenant-other')],
      security_groups_links: [
        {
          rel: 'next',
          href: `/v2.0/security-groups?limit=1&sort_key=tenant_id&sort_dir=desc&marker=${defaultSecurityGroupId('tenant-other')}`,
        },
      ],
    });
  });

  it("refuses to delete the caller's own default group (409), lets an administrator clean up another project's (204), and a reader nothing", async () => {
    const own = defaultSecurityGroupId('tenant-demo');
    const refused = await call('DELETE', `/v2.0/security-groups/${own}`);
    expect({ status: refused.status, type: errorType(refused) }).toEqual({ status: 409, type: 'SecurityGroupCannotRemoveDefault' });
    const adminOwn = await call('DELETE', `/v2.0/security-groups/${defaultSecurityGroupId('tenant-admin')}`, TOKENS.admin);
    expect({ status: adminOwn.status, type: errorType(adminOwn) }).toEqual({ status: 409, type: 'SecurityGroupCannotRemoveDefault' });
    expect(await call('DELETE', `/v2.0/security-groups/${own}`, TOKENS.admin)).toEqual({ status: 204, json: null });
    expect((await call('GET', `/v2.0/security-groups/${own}`)).status).toBe(200);
    const reader = await call('DELETE', `/v2.0/security-groups/${own}`, TOKENS.reader);
    expect({ status: reader.status, type: errorType(reader) }).toEqual({ status: 403, type: 'PolicyNotAuthorized' });
    const foreign = await call('DELETE', `/v2.0/security-groups/${defaultSecurityGroupId('tenant-other')}`);
    expect({ status: foreign.status, type: errorType(foreign) }).toEqual({ status: 404, type: 'SecurityGroupNotFound' });
    const notUuid = await call('DELETE', '/v2.0/security-groups/default');
    expect({ status: notUuid.status, type: errorType(notUuid) }).toEqual({ status: 404, type: 'SecurityGroupNotFound' });
    expect((await call('PUT', `/v2.0/security-groups/${own}`)).status).toBe(405);
  });
});
