import 'reflect-metadata';
import { authenticatorFromEnv } from '@lbaas/identity';
import { bootstrapService } from '@lbaas/worker-shell';
import { DashboardModule } from './app.module';
import { dashboardConfigFromEnv } from './config';

bootstrapService({
  name: 'dashboard',
  title: 'dashboard',
  config: dashboardConfigFromEnv,
  module: (config, logger) => DashboardModule.forRoot(config, logger, authenticatorFromEnv(process.env, logger)),
  started: (c) => ({ nats: c.natsUrl, url: `http://${c.host}:${c.port}/`, auth: c.authMode }),
});
