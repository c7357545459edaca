import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  HttpCode,
  type PipeTransform,
  RequestMapping,
  RequestMethod,
  SetMetadata,
} from '@nestjs/common';
import { allows, type Principal } from '@lbaas/identity';
import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../../commands/request-context';
import { HttpError } from '../../http/errors';
import { requireNoBody } from '../../http/request-body';
import { requestUrl } from '../../http/request-target';
import { ACCESS, type Access, ROUTE_SPEC } from '../../http/route-metadata';
import { parseOctaviaBody } from './octavia-body';
import type { OctaviaBodyRoute, OctaviaRoute } from './octavia-routes';
import type { OctaviaBodyName, OctaviaBodyOf } from './octavia-schemas';

/**
 * Serves one v2 route: its method, path, success status and policy rule. The PolicyGuard checks
 * the rule for the caller's own project; objects of another project are checked again where they
 * are read (Octavia answers them with 403, not 404).
 */
export const OctaviaEndpoint = (route: OctaviaRoute): MethodDecorator =>
  applyDecorators(
    RequestMapping({ path: route.path.replace(/\{(\w+)\}/g, ':$1'), method: RequestMethod[route.method] }),
    HttpCode(route.status),
    SetMetadata(ROUTE_SPEC, route),
    SetMetadata<string, Access>(ACCESS, [route.rule]),
  );

/** Who asks on v2: the principal (for Octavia's rules per object) and the context the command side stamps. */
export interface OctaviaCaller {
  readonly principal: Principal;
  readonly ctx: RequestContext;
}

export const Caller = createParamDecorator((_data: unknown, ctx: ExecutionContext): OctaviaCaller => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  const principal = request.edge.principal;
  if (principal === null) throw new Error('@Caller() on a v2 route that authenticates nobody');
  return {
    principal,
    ctx: {
      tenantId: principal.tenantId,
      // Neutron's meaning, for the saga's steps on networks, subnets and ports.
      isAdmin: allows(principal, 'neutron:all-projects'),
      actor: principal.actor,
      correlationId: request.edge.requestId,
      idempotencyKey: null,
    },
  };
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Octavia's 404 for an object that does not exist (or an id that cannot name one). */
export const notFound = (title: string, id: string): HttpError => new HttpError(404, 'NotFound', `${title} ${id} not found.`);

/** A path id that is not a UUID names nothing: the object's 404, and it never reaches a NATS subject. */
export function objectId(title: string, id: string | undefined): string {
  if (id === undefined || !UUID.test(id)) throw notFound(title, id ?? '');
  return id;
}

const RawBody = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): string => ctx.switchToHttp().getRequest<FastifyRequest>().edge.rawBody ?? '',
);
const PathParams = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Record<string, string> =>
    ctx.switchToHttp().getRequest<FastifyRequest<{ Params: Record<string, string> }>>().params,
);

class BodyPipe<N extends OctaviaBodyName> implements PipeTransform<string, OctaviaBodyOf<N>> {
  constructor(private readonly route: OctaviaBodyRoute<N>) {}
  transform(raw: string): OctaviaBodyOf<N> {
    return parseOctaviaBody(raw, this.route.body.key, this.route.body.schema);
  }
}

/** The route's validated body. */
export const Body = <N extends OctaviaBodyName>(route: OctaviaBodyRoute<N>): ParameterDecorator => RawBody(new BodyPipe(route));

/** An action that takes no body accepts none, or `{}`. */
export const NoBody = (): ParameterDecorator => RawBody({ transform: (raw: string) => requireNoBody(raw) });

/** The path's ids, each a UUID or the 404 of its object (`{id}` of `title`, `{pool_id}` of a pool, `{l7policy_id}` of a policy). */
export const PathIds = (title: string): ParameterDecorator =>
  PathParams({
    transform: (params: Record<string, string>): Record<string, string> => {
      const ids: Record<string, string> = {};
      if (params.pool_id !== undefined) ids.pool_id = objectId('Pool', params.pool_id);
      if (params.l7policy_id !== undefined) ids.l7policy_id = objectId('L7 Policy', params.l7policy_id);
      if (params.id !== undefined) ids.id = objectId(title, params.id);
      return ids;
    },
  });

/** The request URL as the client sent it (the router sees it rewritten), on the host it asked for: page links keep both. */
export const TargetUrl = createParamDecorator((_data: unknown, ctx: ExecutionContext): URL => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  const target = requestUrl(request.originalUrl);
  try {
    return new URL(`${target.pathname}${target.search}`, `http://${request.headers.host ?? DEFAULT_HOST}`);
  } catch {
    return new URL(`${target.pathname}${target.search}`, `http://${DEFAULT_HOST}`);
  }
});
const DEFAULT_HOST = '127.0.0.1:9876';
