import { singleRowViews } from '../decider';
import type { CertificateResource } from '../resources';
import type { CertificateState } from './state';

/** Everything of the certificate but its private key, which no read shows, sealed or not. */
export function certificateView(state: CertificateState): CertificateResource | null {
  if (state.kind !== 'live') return null;
  return {
    id: state.id,
    tenant_id: state.tenantId,
    kind: state.certificateKind,
    name: state.name,
    description: state.description,
    certificate: state.certificate,
    fingerprint: state.fingerprint,
    subject: state.subject,
    hostnames: [...state.hostnames],
    not_before: state.notBefore,
    not_after: state.notAfter,
    vip_ids: [...state.vipIds],
  };
}

export const certificateViews = singleRowViews('certificates', certificateView);
