import { AGGREGATE_KIND } from '../envelope';
import { Conflict, ValidationError } from '../errors';
import { live } from '../lifecycle';
import { isProvisioning, type Protocol, type SessionPersistence } from '../resources';
import type {
  ChangeVipCertificate,
  ChangeVipPool,
  CreateVip,
  DeleteVip,
  ExpireVipPending,
  RecordVipStatus,
  UpdateVip,
  VipCommand,
} from './commands';
import type { VipCertificateChanged, VipCreated, VipDeleted, VipEvent, VipPoolChanged, VipSettings, VipUpdated } from './events';
import type { VipState } from './state';

const KIND = AGGREGATE_KIND.vip;
/** Cookie names reach haproxy.cfg: RFC 6265 token characters, less ' and # (quoting and comments there). */
const COOKIE_NAME = /^[A-Za-z0-9!$%&*+\-.^_`|~]{1,64}$/;

const badPersistence = (reason: string): ValidationError =>
  new ValidationError(`Invalid input for session_persistence. Reason: ${reason}.`, 'HTTPBadRequest');

export function checkSessionPersistence(sp: SessionPersistence | null): void {
  if (sp === null) return;
  if (sp.type !== 'APP_COOKIE') {
    if (sp.cookie_name !== undefined) throw badPersistence(`cookie_name is only allowed with APP_COOKIE, not ${sp.type}`);
    return;
  }
  if (sp.cookie_name === undefined || sp.cookie_name === '') throw badPersistence('cookie_name is required for APP_COOKIE persistence');
  if (!COOKIE_NAME.test(sp.cookie_name)) throw badPersistence(`'${sp.cookie_name}' is not a valid cookie name`);
}

function checkSettings(s: Pick<VipSettings, 'connectionLimit' | 'sessionPersistence'>): void {
  if (!Number.isInteger(s.connectionLimit) || s.connectionLimit < -1) {
    throw new ValidationError(
      `Invalid input for connection_limit. Reason: '${s.connectionLimit}' must be -1 (unlimited) or a non-negative integer.`,
      'HTTPBadRequest',
    );
  }
  checkSessionPersistence(s.sessionPersistence);
}

/** What each protocol does with TLS, for a message that says why a certificate does not fit it. */
const WITHOUT_TERMINATION: { readonly [P in Exclude<Protocol, 'HTTP'>]: string } = {
  HTTPS: 'a VIP of protocol HTTPS passes TLS through to its members untouched',
  TCP: 'a VIP of protocol TCP forwards its connections to its members untouched',
};

function checkCertificateFits(protocol: Protocol): void {
  if (protocol === 'HTTP') return;
  throw new ValidationError(
    `Invalid input for tls_certificate_id. Reason: a certificate terminates TLS on an HTTP VIP; ${WITHOUT_TERMINATION[protocol]}.`,
    'HTTPBadRequest',
  );
}

const certificateChanged = (vipId: string, certificateId: string | null, previousCertificateId: string | null): VipCertificateChanged => ({
  type: 'VipCertificateChanged',
  version: 1,
  data: { vipId, certificateId, previousCertificateId },
});

const createVip = ({ data, tlsCertificateId }: CreateVip, state: VipState): VipEvent[] => {
  if (state.kind !== 'absent') throw new Conflict('VipExists', `Vip ${data.vipId} already exists.`);
  if (!Number.isInteger(data.protocolPort) || data.protocolPort < 1 || data.protocolPort > 65535) {
    throw new ValidationError(
      `Invalid input for protocol_port. Reason: '${data.protocolPort}' is not a valid port number.`,
      'HTTPBadRequest',
    );
  }
  checkSettings(data);
  const created: VipCreated = { type: 'VipCreated', version: 1, data };
  if (tlsCertificateId === undefined || tlsCertificateId === null) return [created];
  checkCertificateFits(data.protocol);
  return [created, certificateChanged(data.vipId, tlsCertificateId, null)];
};

const updateVip = ({ data }: UpdateVip, state: VipState): [VipUpdated] => {
  const vip = live(state, KIND, data.vipId);
  const settings: VipUpdated['data'] = {
    vipId: vip.id,
    name: data.name ?? vip.name,
    description: data.description ?? vip.description,
    sessionPersistence: data.sessionPersistence === undefined ? vip.sessionPersistence : data.sessionPersistence,
    connectionLimit: data.connectionLimit ?? vip.connectionLimit,
    adminStateUp: data.adminStateUp ?? vip.adminStateUp,
  };
  checkSettings(settings);
  return [{ type: 'VipUpdated', version: 1, data: settings }];
};

const changeVipPool = ({ data }: ChangeVipPool, state: VipState): VipPoolChanged[] => {
  const vip = live(state, KIND, data.vipId);
  return vip.poolId === data.poolId
    ? []
    : [{ type: 'VipPoolChanged', version: 1, data: { vipId: vip.id, poolId: data.poolId, previousPoolId: vip.poolId } }];
};

const changeVipCertificate = ({ data }: ChangeVipCertificate, state: VipState): VipCertificateChanged[] => {
  const vip = live(state, KIND, data.vipId);
  if (vip.tlsCertificateId === data.certificateId) return [];
  if (data.certificateId !== null) checkCertificateFits(vip.protocol);
  return [certificateChanged(vip.id, data.certificateId, vip.tlsCertificateId)];
};

const deleteVip = ({ data }: DeleteVip, state: VipState): [VipDeleted] => {
  live(state, KIND, data.vipId);
  return [{ type: 'VipDeleted', version: 1, data }];
};

const recordVipStatus = ({ data }: RecordVipStatus, state: VipState): VipEvent[] =>
  state.kind === 'live' && (state.status !== data.status || state.statusDescription !== data.statusDescription)
    ? [{ type: 'VipStatusChanged', version: 1, data }]
    : [];

const expireVipPending = ({ data }: ExpireVipPending, state: VipState): VipEvent[] =>
  state.kind === 'live' && isProvisioning(state.status)
    ? [{ type: 'VipStatusChanged', version: 1, data: { vipId: state.id, status: 'ERROR', statusDescription: data.statusDescription } }]
    : [];

export function decideVip(command: VipCommand, state: VipState): VipEvent[] {
  switch (command.type) {
    case 'CreateVip':
      return createVip(command, state);
    case 'UpdateVip':
      return updateVip(command, state);
    case 'ChangeVipPool':
      return changeVipPool(command, state);
    case 'ChangeVipCertificate':
      return changeVipCertificate(command, state);
    case 'DeleteVip':
      return deleteVip(command, state);
    case 'RecordVipStatus':
      return recordVipStatus(command, state);
    case 'ExpireVipPending':
      return expireVipPending(command, state);
    default: {
      const unhandled: never = command;
      throw new Error(`unknown command ${JSON.stringify(unhandled)}`);
    }
  }
}
