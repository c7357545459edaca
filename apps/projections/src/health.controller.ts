import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ServiceMetrics } from '@lbaas/service-shell';
import type { ServerResponse } from 'node:http';
import { LiveProjection, type Readiness } from './live-projection';

@Controller()
export class HealthController {
  constructor(
    private readonly live: LiveProjection,
    private readonly metrics: ServiceMetrics,
  ) {}

  /** The process is up and serving HTTP. */
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** NATS is connected and the consumer has caught up with the stream as it was at start. */
  @Get('readyz')
  readyz(): Readiness {
    const readiness = this.live.readiness();
    if (!readiness.ready) throw new ServiceUnavailableException(readiness);
    return readiness;
  }

  /** Prometheus's scrape, on the same port as the health checks. */
  @Get('metrics')
  metricsText(@Res() res: ServerResponse): Promise<void> {
    return this.metrics.respond(res);
  }
}
