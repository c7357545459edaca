import { Controller, Get, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { extensionDocument, extensionsDocument, resourcesDocument, versionsDocument } from '../http/discovery';
import { HttpError } from '../http/errors';
import { answeredPath, requestUrl } from '../http/request-target';
import { Public, Requires } from '../http/route-metadata';

const baseUrl = (request: FastifyRequest): string => `http://${request.headers.host ?? '127.0.0.1:9696'}`;

/**
 * Neutron's discovery documents, so clients that probe for the API version and the LBaaS
 * extension find them. Any authenticated caller reads them; the versions document needs no token.
 */
@Controller()
export class DiscoveryController {
  @Get('/')
  @Public()
  versions(@Req() request: FastifyRequest): object {
    return versionsDocument(baseUrl(request));
  }

  @Get('/v2.0')
  @Requires()
  resources(@Req() request: FastifyRequest): object {
    return resourcesDocument(baseUrl(request));
  }

  @Get('/v2.0/extensions')
  @Requires()
  extensions(): object {
    return extensionsDocument();
  }

  @Get('/v2.0/extensions/:alias')
  @Requires()
  extension(@Req() request: FastifyRequest): object {
    // The alias as the client wrote it, percent-escapes and all, as the message has always quoted it.
    const alias = answeredPath(requestUrl(request.originalUrl))
      .replace(/\.json$/, '')
      .slice('/v2.0/extensions/'.length);
    const extension = extensionDocument(alias);
    if (!extension) throw new HttpError(404, 'HTTPNotFound', `Extension ${alias} not found.`);
    return extension;
  }
}
