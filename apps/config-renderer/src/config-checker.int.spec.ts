import { baseHaproxyInput, haproxyFacts, type HaproxyInput, renderHaproxyConfig, withVip } from '@lbaas/haproxy';
import { existsSync } from 'node:fs';
import { ConfigChecker } from './config-checker';

const tlsInput: HaproxyInput = withVip({
  protocolPort: 443,
  tls: { certificateId: '00000000-0000-4000-8000-000000000080', fingerprint: `0123456789abcdef${'0'.repeat(48)}` },
  insertHeaders: { forwardedFor: true, forwardedPort: true, forwardedProto: true },
})(baseHaproxyInput());
const terminated = renderHaproxyConfig(tlsInput);
const crts = haproxyFacts(tlsInput, '').tlsFiles.map((f) => f.path);
const crt = crts[0];

describe('ConfigChecker on a haproxy.cfg that terminates TLS (real haproxy and openssl)', () => {
  const checker = new ConfigChecker();
  beforeAll(async () => {
    const unchecked = await checker.start();
    expect(unchecked ?? '').not.toMatch(/throwaway/);
  });
  afterAll(() => checker.stop());

  it("accepts it without the tenant's certificate or key: the checked copy loads a throwaway one", async () => {
    expect(existsSync(crt)).toBe(false);
    expect(await checker.check(terminated, 'h1', crts)).toEqual({ ok: true, message: '' });
  });

  it("refuses a broken one with haproxy's words, naming the file and the certificate the agent writes, not the stand-in", async () => {
    const broken = terminated.replace('alpn h2,http/1.1', 'alpn h2,http/1.1 no-such-bind-option');
    const result = await checker.check(broken, 'h2', crts);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/no-such-bind-option/);
    expect(result.message).not.toMatch(/throwaway|lbck-|NOTICE/);
    expect(result.message).toContain('[ALERT] config : parsing [haproxy.cfg:');
  });
});

describe('ConfigChecker without openssl', () => {
  const checker = new ConfigChecker(undefined, '/nonexistent/openssl');
  let unchecked: string | null = null;
  beforeAll(async () => {
    unchecked = await checker.start();
  });
  afterAll(() => checker.stop());

  it('says at start that TLS frontends will be rejected, and rejects them with the reason', async () => {
    expect(unchecked).toMatch(/no throwaway certificate .*\/nonexistent\/openssl.*a haproxy.cfg that terminates TLS is rejected/);
    const result = await checker.check(terminated, 'h3', crts);
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/^cannot check a TLS frontend without a throwaway certificate: /) });
  });

  it('still checks a file without TLS', async () => {
    expect(await checker.check(renderHaproxyConfig(baseHaproxyInput()), 'h4')).toEqual({ ok: true, message: '' });
  });
});
