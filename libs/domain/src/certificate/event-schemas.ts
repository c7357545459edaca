import { Type } from '@sinclair/typebox';
import { payloadObject, payloadSchemas } from '../payload-schema';
import { literalUnion } from '../resource-schemas';
import { CERTIFICATE_KINDS, type CertificateEvent } from './events';

const SealedSecretSchema = Type.Object(
  {
    algorithm: Type.Literal('AES-256-GCM'),
    keyId: Type.String({ description: 'Names the deployment key that sealed it (16 hex), so a key rotation can still open older ones.' }),
    iv: Type.String({ description: 'Base64, 12 bytes.' }),
    tag: Type.String({ description: 'Base64, the GCM authentication tag; the key id is authenticated with the ciphertext.' }),
    ciphertext: Type.String({ description: 'Base64.' }),
  },
  {
    title: 'SealedSecret',
    additionalProperties: false,
    description: "A secret sealed with the deployment's certificate key: never in plain text in the log, only node agents open it.",
  },
);

const material = {
  kind: literalUnion(CERTIFICATE_KINDS, {
    description:
      'server: a chain and its private key; ca: CA certificates that verify peers; crl: certificate revocation lists. Version 1 events are server certificates.',
  }),
  certificate: Type.String({
    description:
      'PEM: the leaf first, then each certificate of its chain, each issuing the one before (server); CA certificates (ca); X509 CRL blocks (crl).',
  }),
  privateKey: Type.Union([SealedSecretSchema, Type.Null()], { description: "The server certificate's key; null for ca and crl." }),
  fingerprint: Type.String({
    description: "SHA-256, lower-case hex, of the leaf's DER (server), or of every certificate's or list's DER in order (ca, crl).",
  }),
  subject: Type.String({
    description:
      "The leaf's (server) or first certificate's (ca) common name, or its whole subject when it has none; a list's issuer (crl).",
  }),
  hostnames: Type.Array(Type.String(), {
    description:
      "The leaf's DNS subject alternative names; its common name when it has no subject alternative names and the name is a host name. Empty for ca and crl.",
  }),
  notBefore: Type.String({ description: 'ISO 8601; the latest start of the certificates (ca); the thisUpdate of the first list (crl).' }),
  notAfter: Type.String({ description: 'ISO 8601; the earliest end of the certificates (ca); the nextUpdate of the first list (crl).' }),
};

export const CERTIFICATE_EVENT_SCHEMAS = payloadSchemas<CertificateEvent>()({
  CertificateCreated: payloadObject({
    certificateId: Type.String(),
    tenantId: Type.String(),
    name: Type.String(),
    description: Type.String(),
    ...material,
  }),
  CertificateUpdated: payloadObject({ certificateId: Type.String(), name: Type.String(), description: Type.String() }),
  CertificateReplaced: payloadObject({ certificateId: Type.String(), ...material }),
  CertificateVipAttached: payloadObject({ certificateId: Type.String(), vipId: Type.String() }),
  CertificateVipDetached: payloadObject({ certificateId: Type.String(), vipId: Type.String() }),
  CertificateDeleted: payloadObject({ certificateId: Type.String() }),
});
