import { Inject, Injectable } from '@nestjs/common';
import { type Collection, Forbidden, NotFound, RESOURCE_KIND } from '@lbaas/domain';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { v4 as uuidv4 } from 'uuid';
import { LbaasCommandService, type RequestContext } from '../commands/command-service';
import type * as In from '../commands/inputs';
import { API_LOGGER } from '../logger';
import { NatsConnectionState } from '../nats-connection-state';
import { openApiDocument, openApiHtml } from '../openapi/openapi-document';
import { ReadSide, WriteProgress } from '../read-side';
import { extensionDocument, extensionsDocument, resourcesDocument, versionsDocument } from './discovery';
import { HttpError, toNeutronError } from './errors';
import { parseResourceBody, readBody, requireNoBody } from './request-body';
import { matchRoute, RESOURCES, type RouteSpec } from './route-table';
import { allows, type Authenticator, type Principal } from '@lbaas/identity';

export const TOKEN_STORE = Symbol('TOKEN_STORE');

interface Call {
  readonly url: URL;
  readonly route: RouteSpec;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly caller: Principal;
  readonly ctx: RequestContext;
  readonly body: unknown;
}
interface Answer {
  readonly status: number;
  readonly body?: unknown;
}

/** Query keys that shape a list rather than filter it. */
const NON_FILTER_KEYS = new Set(['fields', 'limit', 'marker', 'page_reverse', 'sort_key', 'sort_dir']);

/**
 * The Neutron v1 HTTP edge: request id, auth, routing, body validation, then the command
 * service for writes and the read side for reads; every failure is a NeutronError body.
 */
@Injectable()
export class NeutronApi {
  constructor(
    private readonly commands: LbaasCommandService,
    private readonly reads: ReadSide,
    private readonly progress: WriteProgress,
    @Inject(TOKEN_STORE) private readonly tokens: Authenticator,
    @Inject(API_LOGGER) private readonly logger: Logger,
    private readonly nats: NatsConnectionState,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const requestId = `req-${uuidv4()}`;
    res.setHeader('X-Openstack-Request-Id', requestId);
    const method = req.method ?? 'GET';
    let path = req.url ?? '/';
    let answer: Answer;
    try {
      const url = requestUrl(path);
      path = url.pathname;
      answer = await this.answer(req, method, url, requestId);
    } catch (error) {
      const { status, body, unexpected, challenge } = toNeutronError(error);
      if (unexpected) this.logger.error({ correlationId: requestId, err: error }, 'unexpected error');
      if (challenge) res.setHeader('WWW-Authenticate', challenge);
      answer = { status, body };
    }
    if (answer.status === 204 || answer.body === undefined) res.writeHead(answer.status).end();
    else {
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'Content-Type': typeof answer.body === 'string' ? 'text/html; charset=utf-8' : 'application/json' }).end(text);
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    this.logger.info({ correlationId: requestId, method, path, status: answer.status, ms: Math.round(ms * 100) / 100 }, 'request');
  }

  private async answer(req: IncomingMessage, method: string, url: URL, requestId: string): Promise<Answer> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (method === 'GET' && path === '/healthz') return { status: 200, body: { status: 'ok' } };
    if (method === 'GET' && path === '/readyz') return this.ready();
    if (method === 'GET' && path === '/docs/openapi.json') return { status: 200, body: openApiDocument() };
    if (method === 'GET' && path === '/docs') return { status: 200, body: openApiHtml() };
    const base = `http://${req.headers.host ?? '127.0.0.1:9696'}`;
    if (method === 'GET' && path === '/') return { status: 200, body: versionsDocument(base) };
    if (method === 'GET' && path.startsWith('/v2.0') && /^\/v2\.0(\/extensions(\/[^/]+)?)?(\.json)?$/.test(path)) {
      await this.tokens.authenticate(req.headers['x-auth-token'] as string | undefined);
      const bare = path.replace(/\.json$/, '');
      if (bare === '/v2.0') return { status: 200, body: resourcesDocument(base) };
      if (bare === '/v2.0/extensions') return { status: 200, body: extensionsDocument() };
      const extension = extensionDocument(bare.slice('/v2.0/extensions/'.length));
      if (!extension) throw new HttpError(404, 'HTTPNotFound', `Extension ${bare.slice('/v2.0/extensions/'.length)} not found.`);
      return { status: 200, body: extension };
    }
    const matched = matchRoute(method, path);
    if (matched === null) throw new HttpError(404, 'HTTPNotFound', `The resource could not be found: ${path}`);
    if ('allowed' in matched) throw new HttpError(405, 'HTTPMethodNotAllowed', `Method ${method} is not allowed on ${path}; allowed: ${matched.allowed.join(', ')}.`);
    const caller = await this.tokens.authenticate(req.headers['x-auth-token'] as string | undefined);
    const isAdmin = allows(caller, 'neutron:all-projects');
    if (method !== 'GET' && !allows(caller, 'neutron:write')) {
      throw new Forbidden(`The role(s) ${caller.roles.join(', ') || 'none'} of ${caller.actor} may only read.`);
    }
    const { route, params } = matched;
    // Operator views keep their own 403 below; an administrators' write is refused before its body is read.
    if (route.adminOnly && method !== 'GET' && !isAdmin) throw new Forbidden(`Only administrators may call ${route.operationId}.`);
    const takesBody = route.body !== undefined || method === 'POST' || method === 'PUT';
    const raw = takesBody ? await readBody(req) : '';
    const body = route.body ? parseResourceBody(raw, route.body.key, route.body.schema) : takesBody ? requireNoBody(raw) : undefined;
    const key = req.headers['idempotency-key'];
    const ctx: RequestContext = {
      tenantId: caller.tenantId, isAdmin, actor: caller.actor, correlationId: requestId,
      idempotencyKey: method === 'POST' && typeof key === 'string' && key.length > 0 ? key.slice(0, 255) : null,
    };
    return this.dispatch({ url, route, params, query: url.searchParams, caller, ctx, body });
  }

  private async ready(): Promise<Answer> {
    if (!this.nats.connected) return { status: 503, body: { status: 'not ready', reason: 'not connected to NATS' } };
    try {
      const status = await this.reads.status();
      return { status: 200, body: { status: 'ready', projections: status } };
    } catch (error) {
      return { status: 503, body: { status: 'not ready', reason: error instanceof Error ? error.message : String(error) } };
    }
  }

  private async dispatch(call: Call): Promise<Answer> {
    const { route, params, ctx } = call;
    requireApiIds(route, params);
    const id = params.id ?? '';
    const op = route.operationId;
    const scope = ctx.isAdmin ? null : ctx.tenantId;
    if (op === 'showPoolStats') return { status: 200, body: { stats: await this.reads.poolStats(id, scope) } };
    if (op === 'associateHealthMonitor') {
      const written = await this.commands.associateHealthMonitor(ctx, id, (call.body as { id: string }).id);
      this.progress.note(written.seq);
      return { status: 201, body: { health_monitor: {} } };
    }
    if (op === 'disassociateHealthMonitor') {
      this.progress.note((await this.commands.disassociateHealthMonitor(ctx, id, params.monitor_id ?? '')).seq);
      return { status: 204 };
    }
    if (op === 'resealCertificate') {
      const written = await this.commands.resealCertificate(ctx, id);
      this.progress.note(written.seq);
      return { status: 200, body: { certificate: written.resource } };
    }
    const resource = RESOURCES.find((r) => op.endsWith(r.title) || op.endsWith(`${r.title}s`));
    if (!resource) throw new HttpError(404, 'HTTPNotFound', `No handler for ${op}.`);
    if (resource.adminOnly && !ctx.isAdmin) throw new Forbidden(`Only administrators may read ${resource.collection}.`);
    const verb = op.slice(0, op.length - resource.title.length - (op.endsWith(`${resource.title}s`) ? 1 : 0));
    const fields = call.query.getAll('fields').filter((f) => f.length > 0);
    switch (verb) {
      case 'list': {
        const shape = listShapeOf(call.query);
        const { items, ids, more } = await this.reads.list(resource.collection, scope, filtersOf(call.query), fields, shape);
        const links = shape.page ? pageLinks(call.url, shape.page, ids, more) : [];
        return { status: 200, body: { [resource.collection]: items, ...(links.length ? { [`${resource.collection}_links`]: links } : {}) } };
      }
      case 'show':
        return { status: 200, body: { [resource.singular]: await this.reads.get(resource.collection, id, scope, fields) } };
      case 'create':
      case 'update': {
        const written = await this.write(resource.collection, verb, ctx, id, call.body);
        this.progress.note(written.seq);
        return { status: route.status, body: { [resource.singular]: written.resource } };
      }
      case 'delete':
        this.progress.note((await this.remove(resource.collection, ctx, id)).seq);
        return { status: 204 };
      default:
        throw new HttpError(404, 'HTTPNotFound', `No handler for ${op}.`);
    }
  }

  private write(collection: Collection, verb: 'create' | 'update', ctx: RequestContext, id: string, body: unknown): Promise<{ resource: object; seq: number }> {
    const c = this.commands;
    switch (collection) {
      case 'networks': return verb === 'create' ? c.createNetwork(ctx, body as In.CreateNetworkInput) : c.updateNetwork(ctx, id, body as In.UpdateNetworkInput);
      case 'subnets': return verb === 'create' ? c.createSubnet(ctx, body as In.CreateSubnetInput) : c.updateSubnet(ctx, id, body as In.UpdateSubnetInput);
      case 'floatingips': return verb === 'create' ? c.createFloatingIp(ctx, body as In.CreateFloatingIpInput) : c.updateFloatingIp(ctx, id, body as In.UpdateFloatingIpInput);
      case 'pools': return verb === 'create' ? c.createPool(ctx, body as In.CreatePoolInput) : c.updatePool(ctx, id, body as In.UpdatePoolInput);
      case 'members': return verb === 'create' ? c.createMember(ctx, body as In.CreateMemberInput) : c.updateMember(ctx, id, body as In.UpdateMemberInput);
      case 'vips': return verb === 'create' ? c.createVip(ctx, body as In.CreateVipInput) : c.updateVip(ctx, id, body as In.UpdateVipInput);
      case 'health_monitors':
        return verb === 'create' ? c.createHealthMonitor(ctx, body as In.CreateHealthMonitorInput) : c.updateHealthMonitor(ctx, id, body as In.UpdateHealthMonitorInput);
      case 'certificates':
        return verb === 'create' ? c.createCertificate(ctx, body as In.CreateCertificateInput) : c.updateCertificate(ctx, id, body as In.UpdateCertificateInput);
      case 'ports': throw new HttpError(405, 'HTTPMethodNotAllowed', 'Ports are created with their VIP and are read-only here.');
      case 'service_instances':
      case 'nodes': throw new HttpError(405, 'HTTPMethodNotAllowed', `The scheduler owns ${collection}; they are read-only here.`);
    }
  }

  private remove(collection: Collection, ctx: RequestContext, id: string): Promise<{ seq: number }> {
    const c = this.commands;
    switch (collection) {
      case 'networks': return c.deleteNetwork(ctx, id);
      case 'subnets': return c.deleteSubnet(ctx, id);
      case 'floatingips': return c.deleteFloatingIp(ctx, id);
      case 'pools': return c.deletePool(ctx, id);
      case 'members': return c.deleteMember(ctx, id);
      case 'vips': return c.deleteVip(ctx, id);
      case 'health_monitors': return c.deleteHealthMonitor(ctx, id);
      case 'certificates': return c.deleteCertificate(ctx, id);
      case 'ports': throw new HttpError(405, 'HTTPMethodNotAllowed', 'Ports are deleted with their VIP.');
      case 'service_instances':
      case 'nodes': throw new HttpError(405, 'HTTPMethodNotAllowed', `The scheduler owns ${collection}; they are read-only here.`);
    }
  }
}

type Page = NonNullable<ListShape['page']>;
export interface ListShape {
  readonly sort: { key: string; dir: 'asc' | 'desc' }[];
  readonly page?: { limit: number; marker: string | null; pageReverse: boolean };
}

/** Neutron's `sort_key`/`sort_dir` (repeatable, paired) and `limit`/`marker`/`page_reverse`. */
export function listShapeOf(query: URLSearchParams): ListShape {
  const keys = query.getAll('sort_key');
  const dirs = query.getAll('sort_dir');
  if (dirs.length > 0 && dirs.length !== keys.length) {
    throw new HttpError(400, 'HTTPBadRequest', 'The number of sort_keys and sort_dirs must be same.');
  }
  const sort = keys.map((key, i) => {
    const dir = dirs[i] ?? 'asc';
    if (dir !== 'asc' && dir !== 'desc') throw new HttpError(400, 'HTTPBadRequest', `${dir} is invalid value for sort_dir, valid values are 'asc' and 'desc'.`);
    return { key, dir } as const;
  });
  const rawLimit = query.get('limit');
  const marker = query.get('marker');
  const pageReverse = /^(true|1)$/i.test(query.get('page_reverse') ?? '');
  if (rawLimit === null && marker === null) return { sort };
  const limit = rawLimit === null ? 0 : Number(rawLimit);
  if (!/^\d{1,9}$/.test(rawLimit ?? '0')) throw new HttpError(400, 'HTTPBadRequest', `Limit must be a non-negative integer, not '${rawLimit}'.`);
  return { sort, page: { limit, marker, pageReverse } };
}

/** `next`/`previous` links as Neutron builds them: the same query with a new marker. */
function pageLinks(url: URL, page: Page, ids: string[], more: boolean): { rel: string; href: string }[] {
  if (page.limit === 0 || ids.length === 0) return [];
  const link = (rel: string, marker: unknown, reverse: boolean) => {
    const next = new URL(url.toString());
    next.searchParams.set('marker', String(marker));
    next.searchParams.delete('page_reverse');
    if (reverse) next.searchParams.set('page_reverse', 'True');
    return { rel, href: `${next.pathname}${next.search}` };
  };
  const first = ids[0];
  const last = ids[ids.length - 1];
  const links: { rel: string; href: string }[] = [];
  const hasNext = page.pageReverse ? page.marker !== null : more;
  const hasPrevious = page.pageReverse ? more : page.marker !== null;
  if (hasNext && last !== undefined) links.push(link('next', last, false));
  if (hasPrevious && first !== undefined) links.push(link('previous', first, true));
  return links;
}

/** `?name=a&name=b&tenant_id=t` as {name: [a, b], tenant_id: [t]}, without the keys that shape the list. */
export function filtersOf(query: URLSearchParams): Record<string, string[]> {
  // A Map, not an object literal: keys such as `constructor` or `__proto__` are the client's, not Object's.
  const filters = new Map<string, string[]>();
  for (const [key, value] of query) {
    if (NON_FILTER_KEYS.has(key)) continue;
    const values = filters.get(key);
    if (values) values.push(value);
    else filters.set(key, [value]);
  }
  return Object.fromEntries(filters);
}

/** The request target as a URL: `//x` stays a path (not a host), and a target that does not parse is a 400. */
function requestUrl(target: string): URL {
  try {
    return target.startsWith('/') ? new URL(`http://api.invalid${target}`) : new URL(target);
  } catch {
    throw new HttpError(400, 'HTTPBadRequest', 'The request target is not a valid URL.');
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * This API hands out UUIDs only, so another path id names nothing and is a 404 like a missing
 * object. It must never reach the event log: in a NATS subject '*' and '>' are wildcards and
 * whitespace ends the subject. Operator views (nodes) are named otherwise and only ever read.
 */
function requireApiIds(route: RouteSpec, params: Readonly<Record<string, string>>): void {
  const owner = RESOURCES.find((r) => route.path.startsWith(`${r.path}/`));
  if (!owner || owner.adminOnly) return;
  const id = params.id ?? '';
  if (!UUID.test(id)) throw new NotFound(RESOURCE_KIND[owner.collection], id);
  const monitorId = params.monitor_id;
  if (monitorId !== undefined && !UUID.test(monitorId)) {
    throw new NotFound('PoolMonitorAssociation', monitorId, `Monitor ${monitorId} is not associated with Pool ${id}`);
  }
}
