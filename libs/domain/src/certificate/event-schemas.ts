import { Type } from '@sinclair/typebox';
import { payloadObject, payloadSchemas } from '../payload-schema';
import type { CertificateEvent } from './events';

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
  certificate: Type.String({ description: 'PEM: the leaf first, then each certificate of its chain, each issuing the one before.' }),
  privateKey: SealedSecretSchema,
  fingerprint: Type.String({ description: "SHA-256 of the leaf's DER, lower-case hex." }),
  subject: Type.String({ description: "The leaf's common name, or its whole subject when it has none." }),
  hostnames: Type.Array(Type.String(), {
    description:
      "The leaf's DNS subject alternative names; its common name when it has no subject alternative names and the name is a host name.",
  }),
  notBefore: Type.String({ description: 'ISO 8601.' }),
  notAfter: Type.String({ description: 'ISO 8601.' }),
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
