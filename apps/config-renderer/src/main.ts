import 'reflect-metadata';
import { bootstrapService } from '@lbaas/worker-shell';
import { ConfigRendererModule } from './app.module';
import { rendererConfigFromEnv } from './config';

bootstrapService({
  name: 'config-renderer',
  title: 'config renderer',
  config: rendererConfigFromEnv,
  module: (config, logger) => ConfigRendererModule.forRoot(config, logger),
  started: (c) => ({ nats: c.natsUrl, health: `${c.healthHost}:${c.healthPort}`, runRoot: c.runRoot }),
});
