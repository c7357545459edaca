import type { Decider } from '../decider';
import type { CertificateCommand } from './commands';
import { decideCertificate } from './decide';
import type { CertificateEvent } from './events';
import { evolveCertificate } from './evolve';
import { type CertificateState, initialCertificateState } from './state';
import { certificateViews } from './views';

export const certificateDecider: Decider<CertificateCommand, CertificateState, CertificateEvent, 'certificate'> = {
  aggregate: 'certificate',
  initialState: initialCertificateState,
  decide: decideCertificate,
  evolve: evolveCertificate,
  views: certificateViews,
};
