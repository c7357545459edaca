import { AGGREGATE_KIND } from '../envelope';
import { Conflict, ValidationError } from '../errors';
import { live } from '../lifecycle';
import type {
  AttachCertificateVip,
  CertificateCommand,
  CreateCertificate,
  DeleteCertificate,
  DetachCertificateVip,
  ReplaceCertificate,
  UpdateCertificate,
} from './commands';
import type {
  CertificateCreated,
  CertificateDeleted,
  CertificateEvent,
  CertificateMaterial,
  CertificateReplaced,
  CertificateUpdated,
  CertificateVipAttached,
  CertificateVipDetached,
} from './events';
import type { CertificateState } from './state';
import { certificateServes } from './uses';

const KIND = AGGREGATE_KIND.certificate;

/** A server certificate carries its sealed key; a CA bundle or a revocation list never carries one. */
function checkKey(data: CertificateMaterial & { certificateId: string }): void {
  if ((data.privateKey !== null) !== (data.kind === 'server')) {
    throw new ValidationError(
      data.kind === 'server'
        ? `Certificate ${data.certificateId} is a server certificate and needs its private key.`
        : `Certificate ${data.certificateId} is of kind ${data.kind}, which holds no private key.`,
    );
  }
}

const createCertificate = ({ data }: CreateCertificate, state: CertificateState): [CertificateCreated] => {
  if (state.kind !== 'absent') throw new Conflict('CertificateExists', `Certificate ${data.certificateId} already exists.`);
  checkKey(data);
  return [{ type: 'CertificateCreated', version: 2, data }];
};

const updateCertificate = ({ data }: UpdateCertificate, state: CertificateState): [CertificateUpdated] => {
  const certificate = live(state, KIND, data.certificateId);
  return [
    {
      type: 'CertificateUpdated',
      version: 1,
      data: {
        certificateId: certificate.id,
        name: data.name ?? certificate.name,
        description: data.description ?? certificate.description,
      },
    },
  ];
};

// The kind stays: what names the certificate (a VIP, a listener's CA or CRL) chose it for what it holds.
const replaceCertificate = ({ data }: ReplaceCertificate, state: CertificateState): [CertificateReplaced] => {
  const certificate = live(state, KIND, data.certificateId);
  if (data.kind !== certificate.certificateKind) {
    throw new ValidationError(
      `Certificate ${certificate.id} is of kind ${certificate.certificateKind} and is replaced by material of that kind, not ${data.kind}.`,
    );
  }
  checkKey(data);
  return [{ type: 'CertificateReplaced', version: 2, data }];
};

const attachCertificateVip = ({ data }: AttachCertificateVip, state: CertificateState): CertificateVipAttached[] => {
  const certificate = live(state, KIND, data.certificateId);
  if (!certificateServes('server', certificate.certificateKind)) {
    throw new ValidationError(
      `Certificate ${certificate.id} is of kind ${certificate.certificateKind} and has no private key; a VIP terminates TLS with a server certificate.`,
    );
  }
  return certificate.vipIds.includes(data.vipId) ? [] : [{ type: 'CertificateVipAttached', version: 1, data }];
};

// No NotFound here: the VIP deletion saga detaches after the fact and must converge whatever it finds.
const detachCertificateVip = ({ data }: DetachCertificateVip, state: CertificateState): CertificateVipDetached[] =>
  state.kind === 'live' && state.vipIds.includes(data.vipId) ? [{ type: 'CertificateVipDetached', version: 1, data }] : [];

const deleteCertificate = ({ data }: DeleteCertificate, state: CertificateState): [CertificateDeleted] => {
  const certificate = live(state, KIND, data.certificateId);
  if (certificate.vipIds.length > 0) {
    throw new Conflict(
      'CertificateInUse',
      `Certificate ${certificate.id} is used by VIP(s) ${certificate.vipIds.join(', ')} and cannot be deleted.`,
    );
  }
  return [{ type: 'CertificateDeleted', version: 1, data }];
};

export function decideCertificate(command: CertificateCommand, state: CertificateState): CertificateEvent[] {
  switch (command.type) {
    case 'CreateCertificate':
      return createCertificate(command, state);
    case 'UpdateCertificate':
      return updateCertificate(command, state);
    case 'ReplaceCertificate':
      return replaceCertificate(command, state);
    case 'AttachCertificateVip':
      return attachCertificateVip(command, state);
    case 'DetachCertificateVip':
      return detachCertificateVip(command, state);
    case 'DeleteCertificate':
      return deleteCertificate(command, state);
    default: {
      const unhandled: never = command;
      throw new Error(`unknown command ${JSON.stringify(unhandled)}`);
    }
  }
}
