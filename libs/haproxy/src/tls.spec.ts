import { uuidOf } from './golden-cases';
import { tlsCertificatePath } from './tls';

const FINGERPRINT = `0123456789abcdef${'f'.repeat(48)}`;

describe('tlsCertificatePath', () => {
  it('names the file by certificate id and the first 16 digits of the fingerprint, in the tls directory of the run directory', () => {
    expect(tlsCertificatePath('/run/lbaas/vm', uuidOf(80), FINGERPRINT)).toBe(`/run/lbaas/vm/tls/${uuidOf(80)}-0123456789abcdef.pem`);
  });

  it('gives a rotated certificate (another fingerprint) another file, so haproxy.cfg changes with it', () => {
    expect(tlsCertificatePath('/r', uuidOf(80), FINGERPRINT)).not.toBe(tlsCertificatePath('/r', uuidOf(80), `1${FINGERPRINT.slice(1)}`));
  });
});
