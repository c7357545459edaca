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

/**
 * What a certificate resource holds: `server`, a certificate chain with its private key (a VIP's
 * or listener's certificate); `ca`, a bundle of CA certificates that verifies peers; `crl`, the
 * revocation lists of a CA. Only `server` has a key.
 */
export const CERTIFICATE_KINDS = ['server', 'ca', 'crl'] as const;
export type CertificateKind = (typeof CERTIFICATE_KINDS)[number];

/** A certificate bundle as the api validated it, before kinds: a chain and its key. */
export interface CertificateMaterialV1 {
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

/**
 * What the api validated, of any kind: everything but the key is public and shown by reads.
 * For a `ca`: the certificates, the SHA-256 of their DERs one after the other, the first's
 * subject, no hostnames, and the span in which all of them are valid. For a `crl`: the lists,
 * the SHA-256 of their DERs, the first's issuer, no hostnames, its thisUpdate and nextUpdate.
 */
export interface CertificateMaterial {
  kind: CertificateKind;
  /** PEM: a chain (server), CA certificates (ca) or X509 CRL blocks (crl). */
  certificate: string;
  /** The server certificate's key; null for the kinds that have none. */
  privateKey: SealedSecret | null;
  fingerprint: string;
  subject: string;
  hostnames: string[];
  notBefore: string;
  notAfter: string;
}

interface CertificateIdentity {
  certificateId: string;
  tenantId: string;
  name: string;
  description: string;
}

export type CertificateCreatedV1 = DomainEvent<'CertificateCreated', 1, CertificateMaterialV1 & CertificateIdentity>;
export type CertificateCreated = DomainEvent<'CertificateCreated', 2, CertificateMaterial & CertificateIdentity>;
export type CertificateUpdated = DomainEvent<'CertificateUpdated', 1, { certificateId: string; name: string; description: string }>;
export type CertificateReplacedV1 = DomainEvent<'CertificateReplaced', 1, CertificateMaterialV1 & { certificateId: string }>;
/** New material of the same kind in place (rotation): every VIP and listener using it is served the new one after a seamless reload. */
export type CertificateReplaced = DomainEvent<'CertificateReplaced', 2, CertificateMaterial & { certificateId: string }>;
/** A VIP started using the certificate: a certificate in use cannot be deleted. */
export type CertificateVipAttached = DomainEvent<'CertificateVipAttached', 1, { certificateId: string; vipId: string }>;
export type CertificateVipDetached = DomainEvent<'CertificateVipDetached', 1, { certificateId: string; vipId: string }>;
export type CertificateDeleted = DomainEvent<'CertificateDeleted', 1, { certificateId: string }>;

export type CertificateEvent =
  CertificateCreated | CertificateUpdated | CertificateReplaced | CertificateVipAttached | CertificateVipDetached | CertificateDeleted;
