import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { DASHBOARD_CONFIG, type DashboardConfig, LOGGER } from './config';
import { DashboardService } from './dashboard.service';

@Module({})
export class DashboardModule {
  static forRoot(config: DashboardConfig, logger: Logger): DynamicModule {
    return {
      module: DashboardModule,
      providers: [{ provide: DASHBOARD_CONFIG, useValue: config }, { provide: LOGGER, useValue: logger }, DashboardService],
    };
  }
}
