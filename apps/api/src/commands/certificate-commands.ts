import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  type CertificateKind,
  type CertificateMaterial,
  certificateDecider,
  type CertificateResource,
  certificateView,
  Conflict,
  Forbidden,
  NotFound,
  Unavailable,
  ValidationError,
  vipDecider,
} from '@lbaas/domain';
import {
  type KeyRing,
  openSecret,
  readCaBundle,
  readCertificateBundle,
  readRevocationLists,
  sealCertificateBundle,
  sealSecret,
  SecretUnreadable,
} from '@lbaas/secrets';
import type { BodyOf } from '../http/schemas';
import { detachCertificate } from './certificate-attachments';
import { CommandRuns, replay, tenantFor, written } from './command-runs';
import type { Deleted, RequestContext, Written } from './request-context';
import { CERTIFICATE_KEY_RING } from './tokens';

const keyRefused = (kind: CertificateKind) =>
  new ValidationError(
    `Invalid input for private_key. Reason: a ${kind} certificate has no private key; send its certificate alone.`,
    'HTTPBadRequest',
  );

/** TLS certificates: the private key is sealed with the deployment's key ring before anything is appended. */
@Injectable()
export class CertificateCommands {
  constructor(
    private readonly runs: CommandRuns,
    @Optional() @Inject(CERTIFICATE_KEY_RING) private readonly keyRing: KeyRing | null = null,
  ) {}

  private ring(): KeyRing {
    if (this.keyRing === null)
      throw new Unavailable('This api has no certificate key ring (LBAAS_CERTIFICATE_KEY_FILE), so it cannot take private keys.');
    return this.keyRing;
  }

  /**
   * Reads the material as the edge must, by kind: a server certificate's chain in order with a
   * key that matches the leaf, valid now, no passphrase, the key sealed (only the sealed key
   * leaves this call); a CA bundle's CA certificates; revocation lists that parse. The last two
   * have no key, so they need no key ring.
   */
  private material(kind: CertificateKind, certificatePem: string, privateKeyPem: string | undefined): CertificateMaterial {
    const now = new Date();
    if (kind !== 'server') {
      if (privateKeyPem !== undefined) throw keyRefused(kind);
      return { ...(kind === 'ca' ? readCaBundle(certificatePem, now) : readRevocationLists(certificatePem, now)), privateKey: null };
    }
    // The words the body schema gave before private_key became optional for the keyless kinds.
    if (privateKeyPem === undefined)
      throw new ValidationError("Failed to parse request. Required attribute 'private_key' not specified", 'HTTPBadRequest');
    const ring = this.ring();
    return sealCertificateBundle(readCertificateBundle(certificatePem, privateKeyPem, now), ring);
  }

  async createCertificate(ctx: RequestContext, input: BodyOf<'createCertificate'>): Promise<Written<CertificateResource>> {
    const run = this.runs.begin(ctx);
    const certificateId = run.newAggregateId(certificateDecider, 'certificate');
    const tenantId = tenantFor(ctx, input.tenant_id);
    const earlier = await replay(run, certificateDecider, certificateId);
    if (earlier) return written(run, certificateView(earlier), 'Certificate', certificateId);
    const material = this.material(input.kind ?? 'server', input.certificate, input.private_key);
    const out = await run.execute(certificateDecider, certificateId, (s) =>
      s.kind === 'live' && ctx.idempotencyKey
        ? null
        : {
            type: 'CreateCertificate',
            data: { certificateId, tenantId, name: input.name ?? '', description: input.description ?? '', ...material },
          },
    );
    return written(run, certificateView(out.state), 'Certificate', certificateId);
  }

  /**
   * Name and description, and a replacement in place (rotation: every VIP or listener using it
   * is served the new material): a server certificate's certificate and private_key come
   * together, a CA bundle or revocation list is replaced by its certificate alone. The material
   * is checked before anything is appended.
   */
  async updateCertificate(ctx: RequestContext, id: string, input: BodyOf<'updateCertificate'>): Promise<Written<CertificateResource>> {
    const run = this.runs.begin(ctx);
    const { certificateKind: kind } = await run.visible(certificateDecider, id);
    const { certificate, private_key: privateKey } = input;
    if (kind === 'server' && (certificate === undefined) !== (privateKey === undefined)) {
      throw new ValidationError(
        `Invalid input for certificate. Reason: a certificate is replaced together with its private key; send both certificate and private_key, or neither.`,
        'HTTPBadRequest',
      );
    }
    if (kind !== 'server' && privateKey !== undefined) throw keyRefused(kind);
    const material = certificate === undefined ? null : this.material(kind, certificate, privateKey);
    let out =
      material === null
        ? null
        : await run.execute(certificateDecider, id, () => ({ type: 'ReplaceCertificate', data: { certificateId: id, ...material } }));
    if (out === null || input.name !== undefined || input.description !== undefined) {
      out = await run.execute(certificateDecider, id, () => ({
        type: 'UpdateCertificate',
        data: { certificateId: id, name: input.name, description: input.description },
      }));
    }
    return written(run, certificateView(out.state), 'Certificate', id);
  }

  /**
   * CertificateInUse is decided in the certificate's stream. Attachments of VIPs that are
   * deleted (a VIP deletion cut short before its last step) are released first; a VIP being
   * created or moved to it is not deleted, so its attachment stands.
   */
  async deleteCertificate(ctx: RequestContext, id: string): Promise<Deleted> {
    const run = this.runs.begin(ctx);
    const certificate = await run.visible(certificateDecider, id);
    for (const vipId of certificate.vipIds) {
      if ((await run.load(vipDecider, vipId)).state.kind === 'deleted') await detachCertificate(run, id, vipId);
    }
    await run.execute(certificateDecider, id, () => ({ type: 'DeleteCertificate', data: { certificateId: id } }));
    return { seq: run.seq };
  }

  /**
   * Opens the sealed key with the ring (current or previous key) and seals it with the current
   * key; the certificate stays as it is. A CA bundle or revocation list has nothing sealed: no change.
   */
  async resealCertificate(ctx: RequestContext, id: string): Promise<Written<CertificateResource>> {
    if (!ctx.isAdmin) throw new Forbidden('Only administrators may reseal certificates.');
    const run = this.runs.begin(ctx);
    const ring = this.ring();
    const out = await run.execute(certificateDecider, id, (s) => {
      if (s.kind !== 'live') throw new NotFound('Certificate', id);
      if (s.privateKey === null) return null;
      let plain: string;
      try {
        plain = openSecret(s.privateKey, ring);
      } catch (error) {
        if (!(error instanceof SecretUnreadable)) throw error;
        // The ring's message names key ids only, never key material.
        throw new Conflict(
          'CertificateKeyUnavailable',
          `The private key of certificate ${id} cannot be opened with the api's certificate key ring (LBAAS_CERTIFICATE_KEY_FILE and its .previous): ` +
            `${error.message}; then restart the api and reseal again.`,
        );
      }
      return {
        type: 'ReplaceCertificate',
        data: {
          certificateId: id,
          kind: s.certificateKind,
          certificate: s.certificate,
          privateKey: sealSecret(plain, ring),
          fingerprint: s.fingerprint,
          subject: s.subject,
          hostnames: [...s.hostnames],
          notBefore: s.notBefore,
          notAfter: s.notAfter,
        },
      };
    });
    return written(run, certificateView(out.state), 'Certificate', id);
  }
}
