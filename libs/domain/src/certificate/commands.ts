import type { CertificateCreated, CertificateReplaced } from './events';

export interface CreateCertificate {
  readonly type: 'CreateCertificate';
  readonly data: CertificateCreated['data'];
}
export interface UpdateCertificate {
  readonly type: 'UpdateCertificate';
  readonly data: { certificateId: string; name?: string; description?: string };
}
export interface ReplaceCertificate {
  readonly type: 'ReplaceCertificate';
  readonly data: CertificateReplaced['data'];
}
/** A step of the VIP sagas (create, update, delete): idempotent, so a retried saga converges. */
export interface AttachCertificateVip {
  readonly type: 'AttachCertificateVip';
  readonly data: { certificateId: string; vipId: string };
}
export interface DetachCertificateVip {
  readonly type: 'DetachCertificateVip';
  readonly data: { certificateId: string; vipId: string };
}
export interface DeleteCertificate {
  readonly type: 'DeleteCertificate';
  readonly data: { certificateId: string };
}

export type CertificateCommand =
  CreateCertificate | UpdateCertificate | ReplaceCertificate | AttachCertificateVip | DetachCertificateVip | DeleteCertificate;
