import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CertificateState, VipState } from '@lbaas/domain';
import { baseHaproxyInput, FINGERPRINT_PREFIX_LENGTH, tlsCertificatePath, type TlsFileFact } from '@lbaas/haproxy';
import { loadKeyRing, sealSecret } from '@lbaas/secrets';
import { CertificateVersions, certificateKeyFile, placementTlsFiles, type PlacementTlsContext } from './placement-tls';

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const [VIP, CERT, OTHER_VIP] = [id(2), id(80), id(9)];
const KEY_PEM = '-----BEGIN PRIVATE KEY-----\nTHE-SECRET-KEY\n-----END PRIVATE KEY-----\n';
const fingerprint = (first: string) => `${first.repeat(16)}${'0'.repeat(48)}`;

describe('placementTlsFiles', () => {
  let dir: string;
  let keyFile: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbt-placement-tls-'));
    keyFile = join(dir, 'certificate.key');
    loadKeyRing(keyFile);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const runDir = baseHaproxyInput().runDir;
  const pathOf = (fp: string) => tlsCertificatePath(runDir, CERT, fp);
  /** The TLS files of a placement's bundle: its certificate's, or none. */
  const cfg = (fp: string | null): TlsFileFact[] =>
    fp === null
      ? []
      : [{ path: pathOf(fp), kind: 'certificate', certificateId: CERT, fingerprintPrefix: fp.slice(0, FINGERPRINT_PREFIX_LENGTH) }];
  const certificate = (fp: string, change: Partial<Extract<CertificateState, { kind: 'live' }>> = {}): CertificateState => ({
    kind: 'live',
    id: CERT,
    certificateKind: 'server',
    tenantId: 't',
    name: 'www',
    description: '',
    certificate: `-----BEGIN CERTIFICATE-----\nLEAF ${fp.slice(0, 4)}\n-----END CERTIFICATE-----\n`,
    privateKey: sealSecret(KEY_PEM, loadKeyRing(keyFile)),
    fingerprint: fp,
    subject: 'CN=www.lbaas.test',
    hostnames: ['www.lbaas.test'],
    notBefore: '2026-01-01T00:00:00Z',
    notAfter: '2027-01-01T00:00:00Z',
    vipIds: [VIP],
    ...change,
  });
  const vip = (tlsCertificateId: string | null) => ({ kind: 'live', id: VIP, tlsCertificateId }) as unknown as VipState;
  const context = (states: CertificateState[], change: Partial<PlacementTlsContext> = {}): PlacementTlsContext => {
    const versions = new CertificateVersions();
    for (const s of states) versions.record(CERT, s);
    return {
      vipId: VIP,
      vip: vip(CERT),
      certificates: new Map([[CERT, states[states.length - 1]]]),
      versions,
      keys: certificateKeyFile(keyFile),
      ...change,
    };
  };

  it('writes no file for a configuration without TLS', () => {
    expect(placementTlsFiles(cfg(null), context([certificate(fingerprint('a'))]))).toEqual({ kind: 'files', files: [] });
  });

  it('gives a CA or revocation list file the certificates alone, and opens no key for it', () => {
    const fp = fingerprint('a');
    const ca = `${runDir}/tls/${CERT}-aaaaaaaaaaaaaaaa.ca.pem`;
    const refs: TlsFileFact[] = [{ path: ca, kind: 'ca', certificateId: CERT, fingerprintPrefix: fp.slice(0, FINGERPRINT_PREFIX_LENGTH) }];
    const unopenable = {
      open: () => {
        throw new Error('no key may be opened for a CA');
      },
    };
    expect(placementTlsFiles(refs, context([certificate(fp)], { vipId: null, keys: unopenable }))).toEqual({
      kind: 'files',
      files: [{ path: ca, pem: '-----BEGIN CERTIFICATE-----\nLEAF aaaa\n-----END CERTIFICATE-----\n' }],
    });
  });

  it('writes a crl certificate as its lists alone, with no key to open', () => {
    const fp = fingerprint('c');
    const crlPath = `${runDir}/tls/${CERT}-cccccccccccccccc.crl.pem`;
    const list = '-----BEGIN X509 CRL-----\nLIST\n-----END X509 CRL-----\n';
    const crl = certificate(fp, { certificateKind: 'crl', certificate: list, privateKey: null, hostnames: [] });
    const refs: TlsFileFact[] = [
      { path: crlPath, kind: 'crl', certificateId: CERT, fingerprintPrefix: fp.slice(0, FINGERPRINT_PREFIX_LENGTH) },
    ];
    expect(placementTlsFiles(refs, context([crl], { vipId: null }))).toEqual({ kind: 'files', files: [{ path: crlPath, pem: list }] });
  });

  it('refuses to serve a keyless certificate as a certificate, naming it', () => {
    const fp = fingerprint('d');
    const ca = certificate(fp, { certificateKind: 'ca', privateKey: null, hostnames: [] });
    expect(() => placementTlsFiles(cfg(fp), context([ca], { vipId: null }))).toThrow(
      `certificate ${CERT} has no private key (it is a CA bundle or revocation list) and cannot be served as a certificate`,
    );
  });

  it('gives the chain then the opened key at the path the configuration names', () => {
    const fp = fingerprint('a');
    expect(placementTlsFiles(cfg(fp), context([certificate(fp)]))).toEqual({
      kind: 'files',
      files: [{ path: pathOf(fp), pem: `-----BEGIN CERTIFICATE-----\nLEAF aaaa\n-----END CERTIFICATE-----\n${KEY_PEM}` }],
    });
  });

  it('still writes the version the running configuration names after a replacement, until a rendering names the new one', () => {
    const [old, now] = [fingerprint('a'), fingerprint('b')];
    const c = context([certificate(old), certificate(now)]);
    expect(placementTlsFiles(cfg(old), c)).toMatchObject({
      kind: 'files',
      files: [{ path: pathOf(old), pem: expect.stringContaining('LEAF aaaa') }],
    });
    expect(placementTlsFiles(cfg(now), c)).toMatchObject({
      kind: 'files',
      files: [{ path: pathOf(now), pem: expect.stringContaining('LEAF bbbb') }],
    });
  });

  it('keeps the last four versions of a certificate', () => {
    const c = context(['1', '2', '3', '4', '5'].map((n) => certificate(fingerprint(n))));
    expect(placementTlsFiles(cfg(fingerprint('1')), c).kind).toBe('wait');
    expect(placementTlsFiles(cfg(fingerprint('2')), c).kind).toBe('files');
  });

  it.each<[string, (fp: string) => PlacementTlsContext, RegExp]>([
    [
      'a certificate not folded yet',
      () => ({ ...context([certificate(fingerprint('a'))]), certificates: new Map() }),
      /is not in the log as read so far/,
    ],
    ['a version not folded yet', () => context([certificate(fingerprint('b'))]), /fingerprint aaaaaaaaaaaaaaaa\.\.\. is not in the log/],
    [
      'a deleted certificate',
      (fp) => ({ ...context([certificate(fp)]), certificates: new Map([[CERT, { kind: 'deleted' } as CertificateState]]) }),
      /not in the log/,
    ],
    [
      'a certificate the VIP no longer uses',
      (fp) => context([certificate(fp, { vipIds: [OTHER_VIP] })], { vip: vip(id(81)) }),
      /no longer used by VIP/,
    ],
  ])('waits (applies nothing) for %s', (_, c, reason) => {
    const fp = fingerprint('a');
    expect(placementTlsFiles(cfg(fp), c(fp))).toEqual({ kind: 'wait', reason: expect.stringMatching(reason) });
  });

  it('accepts a certificate the VIP is being switched to or from: attached to it, or named by it', () => {
    const fp = fingerprint('a');
    expect(placementTlsFiles(cfg(fp), context([certificate(fp, { vipIds: [] })])).kind).toBe('files');
    expect(placementTlsFiles(cfg(fp), context([certificate(fp)], { vip: vip(null) })).kind).toBe('files');
  });

  it('throws a reason naming the certificate, without key material, when the key was sealed with a key this agent lacks', () => {
    const fp = fingerprint('a');
    const sealedElsewhere = certificate(fp, { privateKey: sealSecret(KEY_PEM, loadKeyRing(join(dir, 'other.key'))) });
    expect(() => placementTlsFiles(cfg(fp), context([sealedElsewhere]))).toThrow(
      new RegExp(`^cannot open the private key of certificate ${CERT}: .*not in this deployment's key ring`),
    );
    try {
      placementTlsFiles(cfg(fp), context([sealedElsewhere]));
    } catch (error) {
      expect(String(error)).not.toMatch(/THE-SECRET-KEY|PRIVATE KEY/);
    }
  });

  it('throws when the sealed key was tampered with', () => {
    const fp = fingerprint('a');
    const sealed = certificate(fp);
    if (sealed.kind !== 'live' || sealed.privateKey === null) throw new Error('live');
    const tampered = { ...sealed, privateKey: { ...sealed.privateKey, ciphertext: Buffer.from('x'.repeat(40)).toString('base64') } };
    expect(() => placementTlsFiles(cfg(fp), context([tampered]))).toThrow(/^cannot open the private key of certificate .*altered/);
  });

  it('writes no file without a key opener (the fake driver)', () => {
    const fp = fingerprint('a');
    expect(placementTlsFiles(cfg(fp), context([certificate(fp)], { keys: undefined }))).toEqual({ kind: 'files', files: [] });
  });
});

describe('certificateKeyFile', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lbt-key-file-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("never creates the key file: an agent's own key would open nothing", () => {
    const keys = certificateKeyFile(join(dir, 'certificate.key'));
    expect(() => keys.open(sealSecret('x', loadKeyRing(join(dir, 'api.key'))))).toThrow(
      /there is no certificate key file .*certificate\.key \(LBAAS_CERTIFICATE_KEY_FILE\)/,
    );
  });

  it('reads the files again when a key names a key id it lacks: a rotation needs no agent restart', () => {
    const path = join(dir, 'certificate.key');
    const before = sealSecret('before', loadKeyRing(path));
    const keys = certificateKeyFile(path);
    expect(keys.open(before)).toBe('before');
    // The rotation: the old key moves to .previous, a new one takes its place.
    const old = join(dir, 'old.key');
    renameSync(path, old);
    writeFileSync(`${path}.previous`, `${readFileSync(old, 'utf8').trim()}\n`);
    const after = sealSecret('after', loadKeyRing(path));
    expect(keys.open(after)).toBe('after');
    expect(keys.open(before)).toBe('before');
  });
});
