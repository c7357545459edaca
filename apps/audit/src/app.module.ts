import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AUDIT_CONFIG, AuditSubscriber, LOGGER } from './audit-subscriber';
import type { AuditConfig } from './config';

@Module({})
export class AuditModule {
  static forRoot(config: AuditConfig, logger: Logger): DynamicModule {
    return {
      module: AuditModule,
      providers: [{ provide: AUDIT_CONFIG, useValue: config }, { provide: LOGGER, useValue: logger }, AuditSubscriber],
    };
  }
}
