import 'reflect-metadata';
import { describeAuditDatabase } from '@lbaas/audit-store';
import { bootstrapService } from '@lbaas/worker-shell';
import { AuditModule } from './app.module';
import { auditConfigFromEnv } from './config';

bootstrapService({
  name: 'audit',
  title: 'audit',
  config: auditConfigFromEnv,
  module: (config, logger) => AuditModule.forRoot(config, logger),
  started: (c) => ({ nats: c.natsUrl, health: `${c.healthHost}:${c.healthPort}`, database: describeAuditDatabase(c.database) }),
});
