import { Controller } from '@nestjs/common';
import { RESOURCE_KIND } from '@lbaas/domain';
import { CertificateCommands } from '../commands/certificate-commands';
import type { RequestContext, Written } from '../commands/request-context';
import { CollectionReads, Fields, ListQuery, type ListRequest } from '../http/list-query';
import { BodyForId, Caller, NoBodyForId, type ObjectWrite, PathId, ResourceBody } from '../http/request-input';
import { Endpoint, Requires } from '../http/route-metadata';
import { ACTION_ROUTES, CERTIFICATE_ROUTES as ROUTE, RESOURCES } from '../http/route-table';
import type { BodyOf } from '../http/schemas';
import { WriteAnswers } from '../http/write-answers';

const KIND = RESOURCE_KIND.certificates;

/**
 * A server certificate is answered as before kinds existed, without `kind`, so clients and
 * checks that know its fields see them unchanged; a CA bundle or revocation list says what it is.
 */
function shown<R extends object>(certificate: R): R {
  const { kind, ...rest } = certificate as R & { kind?: unknown };
  return kind === 'server' || kind === null ? (rest as R) : certificate;
}
const shownWritten = <R extends object>(written: Written<R>): Written<R> => ({ ...written, resource: shown(written.resource) });

/** TLS certificates (an extension of Neutron v1): `/v2.0/lb/certificates`, and the reseal that finishes a key rotation. */
@Controller()
export class CertificatesController {
  constructor(
    private readonly commands: CertificateCommands,
    private readonly reads: CollectionReads,
    private readonly answers: WriteAnswers,
  ) {}

  @Endpoint(ROUTE.list)
  @Requires('neutron:read')
  async list(@Caller() caller: RequestContext, @ListQuery() query: ListRequest) {
    const answer = await this.reads.list(RESOURCES.certificates, caller, query);
    const { collection } = RESOURCES.certificates;
    return { ...answer, [collection]: (answer[collection] as object[]).map(shown) };
  }

  @Endpoint(ROUTE.show)
  @Requires('neutron:read')
  async show(@PathId(KIND) id: string, @Fields() fields: string[], @Caller() caller: RequestContext) {
    const answer = await this.reads.show(RESOURCES.certificates, id, caller, fields);
    const { singular } = RESOURCES.certificates;
    const certificate = answer[singular];
    return certificate === null || typeof certificate !== 'object' ? answer : { ...answer, [singular]: shown(certificate) };
  }

  @Endpoint(ROUTE.create)
  @Requires('neutron:write')
  async create(@ResourceBody(ROUTE.create) body: BodyOf<'createCertificate'>, @Caller() caller: RequestContext) {
    return this.answers.envelope('certificate', shownWritten(await this.commands.createCertificate(caller, body)));
  }

  @Endpoint(ROUTE.update)
  @Requires('neutron:write')
  async update(@BodyForId(ROUTE.update, KIND) { id, body }: ObjectWrite<BodyOf<'updateCertificate'>>, @Caller() caller: RequestContext) {
    return this.answers.envelope('certificate', shownWritten(await this.commands.updateCertificate(caller, id, body)));
  }

  @Endpoint(ROUTE.delete)
  @Requires('neutron:write')
  async delete(@PathId(KIND) id: string, @Caller() caller: RequestContext): Promise<void> {
    this.answers.done(await this.commands.deleteCertificate(caller, id));
  }

  /** Admin only; takes no body, or `{}`. */
  @Endpoint(ACTION_ROUTES.resealCertificate)
  @Requires('neutron:write', 'neutron:admin')
  async reseal(@NoBodyForId(KIND) { id }: ObjectWrite<undefined>, @Caller() caller: RequestContext) {
    return this.answers.envelope('certificate', shownWritten(await this.commands.resealCertificate(caller, id)));
  }
}
