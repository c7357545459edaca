import { Controller, Get, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Public } from '../../http/route-metadata';
import { octaviaOpenApiDocument } from '../openapi/octavia-openapi';
import { versionDocument } from '../version-document';

/** The version document, a health check and the v2 OpenAPI document: no token, the same for every caller. */
@Controller()
export class OctaviaVersionController {
  @Get('/')
  @Public()
  versions(@Req() request: FastifyRequest): object {
    return versionDocument(`http://${request.headers.host ?? '127.0.0.1:9876'}/`);
  }

  @Get('/healthz')
  @Public()
  health(): object {
    return { status: 'ok' };
  }

  @Get('/docs/openapi.json')
  @Public()
  openApi(): object {
    return octaviaOpenApiDocument();
  }
}
