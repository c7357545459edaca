import { baseHaproxyInput, uuidOf } from './golden-cases';
import { renderHaproxyConfig } from './render-haproxy';
import { tlsCertificatePath, tlsCertificatePaths } from './tls';

const FINGERPRINT = `0123456789abcdef${'f'.repeat(48)}`;

describe('tlsCertificatePath', () => {
  it('names the file by certificate id and the first 16 digits of the fingerprint, in the tls directory of the run directory', () => {
    expect(tlsCertificatePath('/run/lbaas/vm', uuidOf(80), FINGERPRINT)).toBe(`/run/lbaas/vm/tls/${uuidOf(80)}-0123456789abcdef.pem`);
  });

  it('gives a rotated certificate (another fingerprint) another file, so haproxy.cfg changes with it', () => {
    expect(tlsCertificatePath('/r', uuidOf(80), FINGERPRINT)).not.toBe(tlsCertificatePath('/r', uuidOf(80), `1${FINGERPRINT.slice(1)}`));
  });
});

describe('tlsCertificatePaths', () => {
  it('finds the crt file of a rendered TLS frontend with its certificate id and fingerprint prefix', () => {
    const base = baseHaproxyInput();
    const path = tlsCertificatePath(base.runDir, uuidOf(80), FINGERPRINT);
    const text = renderHaproxyConfig({ ...base, vip: { ...base.vip, protocolPort: 443, tls: { certificatePath: path } } });
    expect(tlsCertificatePaths(text)).toEqual([{ path, certificateId: uuidOf(80), fingerprintPrefix: '0123456789abcdef' }]);
  });

  it('finds none in a file without TLS', () => {
    expect(tlsCertificatePaths(renderHaproxyConfig(baseHaproxyInput()))).toEqual([]);
  });

  it('reads every bind (a loopback rewrite adds some), each path once, and marks names it did not make', () => {
    const text = [
      'frontend x',
      '    bind 127.18.1.10:20443 ssl crt /r/tls/abc-0123456789abcdef.pem alpn h2,http/1.1',
      '    bind 127.19.1.7:20443 ssl crt /r/tls/abc-0123456789abcdef.pem alpn h2,http/1.1',
      '    bind 127.0.0.1:8443 ssl crt /etc/ssl/other.pem',
      '    # crt /not/a/bind.pem',
      '    server s 1.2.3.4:80 crt /not/a/bind/either.pem',
    ].join('\n');
    expect(tlsCertificatePaths(text)).toEqual([
      { path: '/r/tls/abc-0123456789abcdef.pem', certificateId: 'abc', fingerprintPrefix: '0123456789abcdef' },
      { path: '/etc/ssl/other.pem', certificateId: null, fingerprintPrefix: null },
    ]);
  });
});
