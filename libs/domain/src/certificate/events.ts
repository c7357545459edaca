import type { DomainEvent } from '../envelope';

/**
 * A private key sealed with the deployment's certificate key (AES-256-GCM, base64 fields). The
 * api seals it before anything is appended; only node agents that host a VIP using it open it.
 */
export interface SealedSecret {
  algorithm: 'AES-256-GCM';
  /** Names the deployment key that sealed it, so a key rotation can still open older ones. */
  keyId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

/** A certificate bundle as the api validated it: everything but the key is public and shown by reads. */
export interface CertificateMaterial {
  /** PEM: the leaf first, then each certificate of its chain, each issuing the one before. */
  certificate: string;
  privateKey: SealedSecret;
  /** SHA-256 of the leaf's DER, lower-case hex. */
  fingerprint: string;
  subject: string;
  /** The leaf's DNS subject alternative names (its common name when it has none). */
  hostnames: string[];
  notBefore: string;
  notAfter: string;
}

export type CertificateCreated = DomainEvent<
  'CertificateCreated',
  1,
  CertificateMaterial & {
    certificateId: string;
    tenantId: string;
    name: string;
    description: string;
  }
>;
export type CertificateUpdated = DomainEvent<'CertificateUpdated', 1, { certificateId: string; name: string; description: string }>;
/** New certificate and key in place (rotation): every VIP using it is served with the new one after a seamless reload. */
export type CertificateReplaced = DomainEvent<'CertificateReplaced', 1, CertificateMaterial & { certificateId: string }>;
/** A VIP started using the certificate: a certificate in use cannot be deleted. */
export type CertificateVipAttached = DomainEvent<'CertificateVipAttached', 1, { certificateId: string; vipId: string }>;
export type CertificateVipDetached = DomainEvent<'CertificateVipDetached', 1, { certificateId: string; vipId: string }>;
export type CertificateDeleted = DomainEvent<'CertificateDeleted', 1, { certificateId: string }>;

export type CertificateEvent =
  CertificateCreated | CertificateUpdated | CertificateReplaced | CertificateVipAttached | CertificateVipDetached | CertificateDeleted;
