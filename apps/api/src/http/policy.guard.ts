import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Forbidden } from '@lbaas/domain';
import { allows, type Authenticator, type PolicyRule, type Principal } from '@lbaas/identity';
import type { FastifyRequest } from 'fastify';
import { readRouteBody } from './request-input';
import { ACCESS, type Access, ROUTE_SPEC } from './route-metadata';
import type { RouteSpec } from './route-table';

export const AUTHENTICATOR = Symbol('AUTHENTICATOR');

/**
 * Authentication and roles, then the body: the token's principal (401 without one), then each
 * rule the route names (403 with Neutron's PolicyNotAuthorized), and only then the body of a
 * route that takes one, so a caller who may not write gets 403 whatever it sends. The body is
 * read here rather than in an interceptor: Nest binds every interceptor call to an
 * AsyncResource, which showed in the api's profile under the create load (issue 17).
 */
@Injectable()
export class PolicyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.get<Access | undefined>(ACCESS, context.getHandler());
    // A route that says nothing would be open by accident.
    if (access === undefined)
      throw new Error(`${context.getClass().name}.${context.getHandler().name} declares no access (@Requires or @Public)`);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const route = this.reflector.get<RouteSpec | undefined>(ROUTE_SPEC, context.getHandler());
    if (access !== 'public') await this.authorise(request, access, route);
    await readRouteBody(request, route);
    return true;
  }

  private async authorise(request: FastifyRequest, access: readonly PolicyRule[], route: RouteSpec | undefined): Promise<void> {
    const token = request.headers['x-auth-token'];
    const principal = await this.authenticator.authenticate(typeof token === 'string' ? token : undefined);
    request.edge.principal = principal;
    const refused = access.find((rule) => !allows(principal, rule));
    if (refused !== undefined) throw new Forbidden(refusal(refused, principal, route));
  }
}

/** Why a rule refuses the caller, in the words the API has always used. */
function refusal(rule: PolicyRule, principal: Principal, route: RouteSpec | undefined): string {
  const roles = principal.roles.join(', ') || 'none';
  switch (rule) {
    case 'neutron:read':
      return `The role(s) ${roles} of ${principal.actor} may not read.`;
    case 'neutron:write':
      return `The role(s) ${roles} of ${principal.actor} may only read.`;
    case 'neutron:admin':
    case 'neutron:all-projects':
      return route?.method === 'GET' && route.answers
        ? `Only administrators may read ${route.answers.collection}.`
        : `Only administrators may call ${route?.operationId ?? 'this'}.`;
    default:
      return `Policy does not allow ${rule} to be performed.`;
  }
}
