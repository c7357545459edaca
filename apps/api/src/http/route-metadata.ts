import { applyDecorators, HttpCode, RequestMapping, RequestMethod, SetMetadata } from '@nestjs/common';
import type { PolicyRule } from '@lbaas/identity';
import type { RouteSpec } from './route-table';

export const ROUTE_SPEC = 'lbaas:route-spec';
export const ACCESS = 'lbaas:access';

/** Who may call a route: anyone, or an authenticated caller that passes every rule (none: any authenticated caller). */
export type Access = 'public' | readonly PolicyRule[];

/** Serves one route of the table: its method, its path (`{id}` as the router's `:id`) and its success status. */
export const Endpoint = (route: RouteSpec): MethodDecorator =>
  applyDecorators(
    RequestMapping({ path: route.path.replace(/\{(\w+)\}/g, ':$1'), method: RequestMethod[route.method] }),
    HttpCode(route.status),
    SetMetadata(ROUTE_SPEC, route),
  );

/** The policy rules (@lbaas/identity) a caller must pass, checked in order by the PolicyGuard. */
export const Requires = (...rules: PolicyRule[]): MethodDecorator => SetMetadata<string, Access>(ACCESS, rules);

/** No token needed: health checks, the versions document, the API's own documentation. */
export const Public = (): MethodDecorator => SetMetadata<string, Access>(ACCESS, 'public');
