import type { Authenticator } from '@lbaas/identity';
import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AUTHENTICATOR, DASHBOARD_CONFIG, type DashboardConfig, LOGGER } from './config';
import { DashboardService } from './dashboard.service';

@Module({})
export class DashboardModule {
  static forRoot(config: DashboardConfig, logger: Logger, authenticator: Authenticator): DynamicModule {
    return {
      module: DashboardModule,
      providers: [
        { provide: DASHBOARD_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: AUTHENTICATOR, useValue: authenticator },
        DashboardService,
      ],
    };
  }
}
