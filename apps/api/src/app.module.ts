import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ClientsModule, Transport } from '@nestjs/microservices';
import type { JetStreamEventStore } from '@lbaas/event-log';
import { authenticatorFromEnv } from '@lbaas/identity';
import { natsCredentialsFromEnv, natsServers, RECONNECT_FOREVER, WITHOUT_ASYNC_TRACES } from '@lbaas/event-log';
import type { KeyRing } from '@lbaas/secrets';
import type { ServiceMetrics } from '@lbaas/service-shell';
import type { Logger } from 'pino';
import { CertificateCommands } from './commands/certificate-commands';
import { CommandRuns } from './commands/command-runs';
import { FloatingIpCommands } from './commands/floating-ip-commands';
import { HealthMonitorCommands } from './commands/health-monitor-commands';
import { MemberCommands } from './commands/member-commands';
import { NetworkCommands } from './commands/network-commands';
import { PoolCommands } from './commands/pool-commands';
import { APPEND_OBSERVER, CERTIFICATE_KEY_RING, EVENT_STORE, RESOURCE_LOOKUP } from './commands/tokens';
import { VipCommands } from './commands/vip-commands';
import type { ApiConfig } from './config';
import { CertificatesController } from './controllers/certificates.controller';
import { DiscoveryController } from './controllers/discovery.controller';
import { FloatingIpsController } from './controllers/floating-ips.controller';
import { HealthMonitorsController } from './controllers/health-monitors.controller';
import { MembersController } from './controllers/members.controller';
import { NetworksController } from './controllers/networks.controller';
import { OperatorViewsController } from './controllers/operator-views.controller';
import { PoolsController } from './controllers/pools.controller';
import { PortsController } from './controllers/ports.controller';
import { SecurityGroupsController } from './controllers/security-groups.controller';
import { API_METRICS, ServiceEndpointsController } from './controllers/service-endpoints.controller';
import { SubnetPoolsController } from './controllers/subnet-pools.controller';
import { SubnetsController } from './controllers/subnets.controller';
import { VipsController } from './controllers/vips.controller';
import { CollectionReads } from './http/list-query';
import { NeutronExceptionFilter } from './http/neutron-exception.filter';
import { AUTHENTICATOR, PolicyGuard } from './http/policy.guard';
import { WriteAnswers } from './http/write-answers';
import { API_LOGGER } from './logger';
import { NatsConnectionState } from './nats-connection-state';
import { PROJECTIONS_CLIENT, ReadSide, WriteProgress } from './read-side';

export const API_CONTROLLERS: Type[] = [
  DiscoveryController,
  ServiceEndpointsController,
  NetworksController,
  SubnetsController,
  PortsController,
  FloatingIpsController,
  SubnetPoolsController,
  SecurityGroupsController,
  PoolsController,
  MembersController,
  VipsController,
  HealthMonitorsController,
  CertificatesController,
  OperatorViewsController,
];

/** The HTTP edge around the controllers: the guard (which reads the body too), the error filter, and the answers they build. */
export const EDGE_PROVIDERS: Provider[] = [
  { provide: APP_GUARD, useClass: PolicyGuard },
  { provide: APP_FILTER, useClass: NeutronExceptionFilter },
  CollectionReads,
  WriteAnswers,
];

/** The write side, by resource; each takes one CommandRuns. */
export const COMMAND_PROVIDERS: Type[] = [
  CommandRuns,
  NetworkCommands,
  FloatingIpCommands,
  PoolCommands,
  MemberCommands,
  VipCommands,
  HealthMonitorCommands,
  CertificateCommands,
];

@Module({})
export class ApiModule {
  static forRoot(config: ApiConfig, store: JetStreamEventStore, logger: Logger, keyRing: KeyRing, metrics: ServiceMetrics): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ClientsModule.register([
          {
            name: PROJECTIONS_CLIENT,
            transport: Transport.NATS,
            options: {
              servers: natsServers(config.natsUrl),
              ...natsCredentialsFromEnv(),
              ...RECONNECT_FOREVER,
              ...WITHOUT_ASYNC_TRACES,
              name: 'lbaas-api-queries',
            },
          },
        ]),
      ],
      controllers: API_CONTROLLERS,
      providers: [
        { provide: EVENT_STORE, useValue: store },
        { provide: AUTHENTICATOR, useValue: authenticatorFromEnv(process.env, logger) },
        { provide: NatsConnectionState, useValue: new NatsConnectionState(store.nc) },
        { provide: API_LOGGER, useValue: logger },
        { provide: API_METRICS, useValue: metrics },
        { provide: CERTIFICATE_KEY_RING, useValue: keyRing },
        WriteProgress,
        ReadSide,
        { provide: RESOURCE_LOOKUP, useExisting: ReadSide },
        { provide: APPEND_OBSERVER, useExisting: WriteProgress },
        ...EDGE_PROVIDERS,
        ...COMMAND_PROVIDERS,
      ],
    };
  }
}
