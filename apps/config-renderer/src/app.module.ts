import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { RendererConfig } from './config';
import { ConfigRendererService, LOGGER, RENDERER_CONFIG } from './config-renderer.service';

@Module({})
export class ConfigRendererModule {
  static forRoot(config: RendererConfig, logger: Logger): DynamicModule {
    return {
      module: ConfigRendererModule,
      providers: [{ provide: RENDERER_CONFIG, useValue: config }, { provide: LOGGER, useValue: logger }, ConfigRendererService],
    };
  }
}
