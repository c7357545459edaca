import { certificateDecider, type CertificateState, ValidationError } from '@lbaas/domain';
import type { CommandRun, Saga } from './command-run';

/*
 * A certificate records the VIPs that use it, so that its deletion is refused while one does:
 * the steps of VIP and certificate commands that keep that record.
 */

/** The certificate a VIP of `tenantId` may terminate TLS with: visible to the caller (else CertificateNotFound) and the VIP's tenant's. */
export async function usableCertificate(run: CommandRun, certificateId: string, tenantId: string): Promise<void> {
  const certificate = await run.visible(certificateDecider, certificateId);
  if (certificate.tenantId !== tenantId) {
    throw new ValidationError(
      `Certificate ${certificateId} belongs to another tenant than the VIP (${tenantId}); a VIP serves only its own tenant's certificates.`,
      'HTTPBadRequest',
    );
  }
}

/** The guard against the certificate's deletion while the VIP uses it; detached again if a later step of the saga is refused. */
export async function attachCertificate(run: CommandRun, saga: Saga, certificateId: string, vipId: string): Promise<void> {
  saga.compensate(
    await run.execute(certificateDecider, certificateId, () => ({ type: 'AttachCertificateVip', data: { certificateId, vipId } })),
    () => detachCertificate(run, certificateId, vipId),
  );
}

/** Idempotent, and a no-op once the certificate is gone: compensations and deletions converge whatever they find. */
export function detachCertificate(run: CommandRun, certificateId: string, vipId: string) {
  return run.execute(
    certificateDecider,
    certificateId,
    (s: CertificateState) =>
      s.kind === 'live' && s.vipIds.includes(vipId) ? { type: 'DetachCertificateVip', data: { certificateId, vipId } } : null,
    { scoped: false },
  );
}
