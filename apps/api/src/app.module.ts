import { type DynamicModule, Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import type { JetStreamEventStore } from '@lbaas/event-log';
import { natsCredentialsFromEnv, natsServers, RECONNECT_FOREVER } from '@lbaas/event-log';
import type { KeyRing } from '@lbaas/secrets';
import type { Logger } from 'pino';
import { LbaasCommandService } from './commands/command-service';
import { EventSourcedCommandService } from './commands/event-sourced-commands';
import { APPEND_OBSERVER, CERTIFICATE_KEY_RING, EVENT_STORE, RESOURCE_LOOKUP } from './commands/tokens';
import type { ApiConfig } from './config';
import { NeutronApi, TOKEN_STORE } from './http/neutron-api';
import { authenticatorFromEnv } from '@lbaas/identity';
import { API_LOGGER } from './logger';
import { NatsConnectionState } from './nats-connection-state';
import { PROJECTIONS_CLIENT, ReadSide, WriteProgress } from './read-side';

@Module({})
export class ApiModule {
  static forRoot(config: ApiConfig, store: JetStreamEventStore, logger: Logger, keyRing: KeyRing): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ClientsModule.register([{ name: PROJECTIONS_CLIENT, transport: Transport.NATS, options: { servers: natsServers(config.natsUrl), ...natsCredentialsFromEnv(), ...RECONNECT_FOREVER, name: 'lbaas-api-queries' } }]),
      ],
      providers: [
        { provide: EVENT_STORE, useValue: store },
        { provide: TOKEN_STORE, useValue: authenticatorFromEnv() },
        { provide: NatsConnectionState, useValue: new NatsConnectionState(store.nc) },
        { provide: API_LOGGER, useValue: logger },
        { provide: CERTIFICATE_KEY_RING, useValue: keyRing },
        WriteProgress,
        ReadSide,
        { provide: RESOURCE_LOOKUP, useExisting: ReadSide },
        { provide: APPEND_OBSERVER, useExisting: WriteProgress },
        { provide: LbaasCommandService, useClass: EventSourcedCommandService },
        NeutronApi,
      ],
    };
  }
}
