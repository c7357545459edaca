import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { checkRegexWithHaproxy } from '@lbaas/haproxy';
import type { Authenticator } from '@lbaas/identity';
import type { Logger } from 'pino';
import { AUTHENTICATOR, PolicyGuard } from '../http/policy.guard';
import { API_LOGGER } from '../logger';
import { CatalogService } from './catalog/catalog-service';
import { FlavorsController } from './catalog/flavors.controller';
import { ZonesController } from './catalog/zones.controller';
import { ChildCommands } from './commands/child-commands';
import { L7Commands, REGEX_CHECK, type RegexCheck } from './commands/l7-commands';
import { LoadBalancerCommands } from './commands/loadbalancer-commands';
import { HealthMonitorsController } from './controllers/healthmonitors.controller';
import { L7PoliciesController } from './controllers/l7policies.controller';
import { L7RulesController } from './controllers/l7rules.controller';
import { ListenersController } from './controllers/listeners.controller';
import { LoadBalancersController } from './controllers/loadbalancers.controller';
import { MembersController } from './controllers/members.controller';
import { OperatorController } from './controllers/operator.controller';
import { PoolsController } from './controllers/pools.controller';
import { OctaviaVersionController } from './controllers/version.controller';
import { OctaviaExceptionFilter } from './http/octavia-exception.filter';
import { OctaviaReads } from './octavia-reads';
import { OCTAVIA_SHARED, type OctaviaShared } from './octavia-shared';
import { OctaviaStatusReads } from './octavia-status-reads';
import { QuotaService } from './quota/quota-service';
import { QuotasController } from './quota/quotas.controller';

export const OCTAVIA_CONTROLLERS: Type[] = [
  OctaviaVersionController,
  LoadBalancersController,
  ListenersController,
  PoolsController,
  MembersController,
  HealthMonitorsController,
  L7PoliciesController,
  L7RulesController,
  OperatorController,
  QuotasController,
  FlavorsController,
  ZonesController,
];

/**
 * Octavia's v2 API: its own controllers, error filter and reads, with the Neutron application's
 * guard and body reader (the same authenticator instance, so one token cache serves both ports)
 * and the command and read sides it borrows (`OctaviaShared`).
 */
@Module({})
export class OctaviaModule {
  /** `regexCheck`: how REGEX rules are compiled; by default the haproxy binary of LBAAS_HAPROXY_BIN (or /usr/sbin/haproxy). */
  static forRoot(
    shared: OctaviaShared,
    authenticator: Authenticator,
    logger: Logger,
    regexCheck: RegexCheck = haproxyRegexCheck(),
  ): DynamicModule {
    return {
      module: OctaviaModule,
      controllers: OCTAVIA_CONTROLLERS,
      providers: [
        { provide: OCTAVIA_SHARED, useValue: shared },
        { provide: AUTHENTICATOR, useValue: authenticator },
        { provide: API_LOGGER, useValue: logger },
        { provide: APP_GUARD, useClass: PolicyGuard },
        { provide: APP_FILTER, useClass: OctaviaExceptionFilter },
        OctaviaReads,
        OctaviaStatusReads,
        LoadBalancerCommands,
        ChildCommands,
        QuotaService,
        CatalogService,
        { provide: REGEX_CHECK, useValue: regexCheck },
        L7Commands,
      ],
    };
  }
}

function haproxyRegexCheck(): RegexCheck {
  const bin = process.env.LBAAS_HAPROXY_BIN?.trim() || '/usr/sbin/haproxy';
  return (regex) => checkRegexWithHaproxy(bin, regex);
}
