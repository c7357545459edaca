import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { ServiceMetrics } from '@lbaas/service-shell';
import type { FastifyReply } from 'fastify';
import { NatsConnectionState } from '../nats-connection-state';
import { openApiDocument, openApiHtml } from '../openapi/openapi-document';
import { ReadSide } from '../read-side';
import { Public } from '../http/route-metadata';

export const API_METRICS = Symbol('API_METRICS');

/** Health checks, the API's documentation and Prometheus' scrape: no token, the same for every caller. */
@Controller()
export class ServiceEndpointsController {
  constructor(
    private readonly nats: NatsConnectionState,
    private readonly reads: ReadSide,
    @Inject(API_METRICS) private readonly metrics: ServiceMetrics,
  ) {}

  @Get('/healthz')
  @Public()
  health(): object {
    return { status: 'ok' };
  }

  /** Ready when the event log's connection is up and the projections answer; 503 says why not. */
  @Get('/readyz')
  @Public()
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<object> {
    if (!this.nats.connected) return this.notReady(reply, 'not connected to NATS');
    try {
      return { status: 'ready', projections: await this.reads.status() };
    } catch (error) {
      return this.notReady(reply, error instanceof Error ? error.message : String(error));
    }
  }

  @Get('/docs/openapi.json')
  @Public()
  openApi(): object {
    return openApiDocument();
  }

  @Get('/docs')
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  docs(): string {
    return openApiHtml();
  }

  @Get('/metrics')
  @Public()
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    try {
      const body = await this.metrics.registry.metrics();
      await reply.header('Content-Type', this.metrics.registry.contentType).send(body);
    } catch (error) {
      await reply
        .status(500)
        .header('Content-Type', 'text/plain')
        .send(`metrics could not be collected: ${String(error)}`);
    }
  }

  private notReady(reply: FastifyReply, reason: string): object {
    void reply.status(503);
    return { status: 'not ready', reason };
  }
}
