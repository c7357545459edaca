import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { LiveProjection, type Readiness } from './live-projection';

@Controller()
export class HealthController {
  constructor(private readonly live: LiveProjection) {}

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
}
