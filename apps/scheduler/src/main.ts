import 'reflect-metadata';
import { bootstrapService } from '@lbaas/worker-shell';
import { SchedulerModule } from './app.module';
import { schedulerConfigFromEnv } from './config';

bootstrapService({
  name: 'scheduler',
  title: 'scheduler',
  config: schedulerConfigFromEnv,
  module: (config, logger) => SchedulerModule.forRoot(config, logger),
  started: (c) => ({
    nats: c.natsUrl,
    health: `${c.healthHost}:${c.healthPort}`,
    silenceMs: c.nodeSilenceMs,
    pendingDeadlineMs: c.pendingDeadlineMs,
  }),
});
