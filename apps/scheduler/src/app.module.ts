import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { SchedulerConfig } from './config';
import { QuotaReclaimer } from './quota-reclaimer';
import { SchedulerService } from './scheduler.service';
import { LOGGER, SCHEDULER_CONFIG } from './tokens';

@Module({})
export class SchedulerModule {
  static forRoot(config: SchedulerConfig, logger: Logger): DynamicModule {
    return {
      module: SchedulerModule,
      providers: [{ provide: SCHEDULER_CONFIG, useValue: config }, { provide: LOGGER, useValue: logger }, QuotaReclaimer, SchedulerService],
    };
  }
}
