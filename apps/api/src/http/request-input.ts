import { createParamDecorator, type ExecutionContext, Param, type PipeTransform } from '@nestjs/common';
import { NotFound } from '@lbaas/domain';
import { allows } from '@lbaas/identity';
import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../commands/request-context';
import { parseResourceBody, readBody, requireNoBody } from './request-body';
import type { BodyRoute, RouteSpec } from './route-table';
import type { BodyOf, BodySchemaName } from './schemas';

/**
 * Reads the body of the routes that take one (the documented bodies, and every POST and PUT,
 * whose body must then be empty) for the pipes. The PolicyGuard calls it once the caller has
 * passed: a body over the limit is a 413 before its path id or its fields are looked at.
 */
export async function readRouteBody(request: FastifyRequest, route: RouteSpec | undefined): Promise<void> {
  if (route === undefined || (route.body === undefined && route.method !== 'POST' && route.method !== 'PUT')) return;
  request.edge.rawBody = await readBody(request.raw);
}

const RawBody = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): string => ctx.switchToHttp().getRequest<FastifyRequest>().edge.rawBody ?? '',
);

/** Validates `{"<key>": {...}}` against the route's TypeBox schema: the body as `BodyOf<N>`, or a 400 in Neutron's words. */
export class ResourceBodyPipe<N extends BodySchemaName> implements PipeTransform<string, BodyOf<N>> {
  constructor(private readonly route: BodyRoute<N>) {}

  transform(raw: string): BodyOf<N> {
    return parseResourceBody(raw, this.route.body.key, this.route.body.schema);
  }
}

/** A write that takes no body (an action on the object in the path) accepts none, or `{}`. */
export class NoBodyPipe implements PipeTransform<string, undefined> {
  transform(raw: string): undefined {
    return requireNoBody(raw);
  }
}

/** The route's validated body. */
export const ResourceBody = <N extends BodySchemaName>(route: BodyRoute<N>): ParameterDecorator => RawBody(new ResourceBodyPipe(route));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * This API hands out UUIDs only, so another path id names nothing and is a 404 like a missing
 * object. It must never reach the event log: in a NATS subject '*' and '>' are wildcards and
 * whitespace ends the subject. Operator views (nodes) are named otherwise and only ever read.
 */
export class ApiIdPipe implements PipeTransform<string, string> {
  constructor(private readonly kind: string) {}

  transform(id: string): string {
    if (!UUID.test(id)) throw new NotFound(this.kind, id);
    return id;
  }
}

/** The `{id}` of a path, a UUID of a `kind` (Neutron's resource class name: 'Pool', 'FloatingIP'). */
export const PathId = (kind: string): ParameterDecorator => Param('id', new ApiIdPipe(kind));

/** A write on the object a path names: its id and its body. */
export interface ObjectWrite<B> {
  readonly id: string;
  readonly body: B;
}

const RawObjectWrite = createParamDecorator((_data: unknown, ctx: ExecutionContext): ObjectWrite<string> => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest<{ Params: { id?: string } }>>();
  return { id: request.params.id ?? '', body: request.edge.rawBody ?? '' };
});

/**
 * The body first, then the path id: a bad body is a 400 even on a path whose id names nothing,
 * as it always was. One pipe, because Nest resolves a handler's parameters concurrently.
 */
export class ObjectWritePipe<B> implements PipeTransform<ObjectWrite<string>, ObjectWrite<B>> {
  constructor(
    private readonly body: PipeTransform<string, B>,
    private readonly id: ApiIdPipe,
  ) {}

  transform(write: ObjectWrite<string>): ObjectWrite<B> {
    const body = this.body.transform(write.body, { type: 'body' });
    return { id: this.id.transform(write.id), body };
  }
}

/** `{id}` of a `kind` and the route's validated body. */
export const BodyForId = <N extends BodySchemaName>(route: BodyRoute<N>, kind: string): ParameterDecorator =>
  RawObjectWrite(new ObjectWritePipe(new ResourceBodyPipe(route), new ApiIdPipe(kind)));
/** `{id}` of a `kind`, for an action that takes no body (or `{}`). */
export const NoBodyForId = (kind: string): ParameterDecorator => RawObjectWrite(new ObjectWritePipe(new NoBodyPipe(), new ApiIdPipe(kind)));

export interface PoolMonitorIds {
  readonly id: string;
  readonly monitor_id: string;
}

/** `/v2.0/lb/pools/{id}/health_monitors/{monitor_id}`: the pool first, then the association. */
export class PoolMonitorIdsPipe implements PipeTransform<Record<string, string>, PoolMonitorIds> {
  transform(params: Record<string, string>): PoolMonitorIds {
    const id = new ApiIdPipe('Pool').transform(params.id ?? '');
    const monitorId = params.monitor_id ?? '';
    if (!UUID.test(monitorId))
      throw new NotFound('PoolMonitorAssociation', monitorId, `Monitor ${monitorId} is not associated with Pool ${id}`);
    return { id, monitor_id: monitorId };
  }
}

/** Who is asking, as the command side and the read side take it; the PolicyGuard authenticated them. */
export const Caller = createParamDecorator((_data: unknown, ctx: ExecutionContext): RequestContext => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  const principal = request.edge.principal;
  if (principal === null) throw new Error('@Caller() on a route that authenticates nobody');
  const key = request.headers['idempotency-key'];
  return {
    tenantId: principal.tenantId,
    isAdmin: allows(principal, 'neutron:all-projects'),
    actor: principal.actor,
    correlationId: request.edge.requestId,
    idempotencyKey: request.method === 'POST' && typeof key === 'string' && key.length > 0 ? key.slice(0, 255) : null,
  };
});
