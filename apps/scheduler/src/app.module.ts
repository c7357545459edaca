import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { SchedulerConfig } from './config';
import { LOGGER, SCHEDULER_CONFIG, SchedulerService } from './scheduler.service';

@Module({})
export class SchedulerModule {
  static forRoot(config: SchedulerConfig, logger: Logger): DynamicModule {
    return {
      module: SchedulerModule,
      providers: [{ provide: SCHEDULER_CONFIG, useValue: config }, { provide: LOGGER, useValue: logger }, SchedulerService],
    };
  }
}
