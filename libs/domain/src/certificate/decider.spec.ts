import type { EventEnvelope } from '../envelope';
import { Conflict, NotFound, ValidationError } from '../errors';
import { given } from '../testing/given-when-then';
import { upcastEvent } from '../upcasters';
import type { CertificateCommand } from './commands';
import { certificateDecider } from './decider';
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
import { CERTIFICATE_KINDS } from './events';
import { certificateServes } from './uses';

const CERT = 'cert-1';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const material = (serial: string): CertificateMaterial => ({
  kind: 'server',
  certificate: PEM.replace('MIIB', `MIIB${serial}`),
  privateKey: {
    algorithm: 'AES-256-GCM',
    keyId: '0123456789abcdef',
    iv: `iv${serial}`,
    tag: `tag${serial}`,
    ciphertext: `sealed${serial}`,
  },
  fingerprint: serial.repeat(64).slice(0, 64),
  subject: 'www.example.test',
  hostnames: ['www.example.test', 'example.test'],
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2027-01-01T00:00:00.000Z',
});
const createdData: CertificateCreated['data'] = {
  certificateId: CERT,
  tenantId: 'tenant-a',
  name: 'www',
  description: '',
  ...material('a'),
};
const created: CertificateCreated = { type: 'CertificateCreated', version: 2, data: createdData };
const updated = (name: string, description: string): CertificateUpdated => ({
  type: 'CertificateUpdated',
  version: 1,
  data: { certificateId: CERT, name, description },
});
const replaced: CertificateReplaced = { type: 'CertificateReplaced', version: 2, data: { certificateId: CERT, ...material('b') } };
/** A CA bundle or revocation list: no key, no hostnames. */
const keyless = (kind: 'ca' | 'crl', serial: string): CertificateMaterial => ({
  ...material(serial),
  kind,
  certificate: kind === 'ca' ? PEM : '-----BEGIN X509 CRL-----\nMIIB\n-----END X509 CRL-----\n',
  privateKey: null,
  subject: 'Test CA',
  hostnames: [],
});
const createdOf = (m: CertificateMaterial): CertificateCreated => ({
  type: 'CertificateCreated',
  version: 2,
  data: { ...createdData, ...m },
});
const replacedOf = (m: CertificateMaterial): CertificateReplaced => ({
  type: 'CertificateReplaced',
  version: 2,
  data: { certificateId: CERT, ...m },
});
const attached = (vipId: string): CertificateVipAttached => ({
  type: 'CertificateVipAttached',
  version: 1,
  data: { certificateId: CERT, vipId },
});
const detached = (vipId: string): CertificateVipDetached => ({
  type: 'CertificateVipDetached',
  version: 1,
  data: { certificateId: CERT, vipId },
});
const deleted: CertificateDeleted = { type: 'CertificateDeleted', version: 1, data: { certificateId: CERT } };

const fold = (events: CertificateEvent[]) => given(certificateDecider, events).state;
const view = (events: CertificateEvent[]) => certificateDecider.views(fold(events)).certificates?.[0] ?? null;

describe('certificate decide', () => {
  describe('CreateCertificate', () => {
    it('creates a certificate with its sealed key', () =>
      given(certificateDecider).when({ type: 'CreateCertificate', data: createdData }).then([created]));

    it.each([
      { desc: 'a live certificate', history: [created] },
      { desc: 'a deleted certificate (ids are never reused)', history: [created, deleted] },
    ])('rejects creating $desc', ({ history }) =>
      given(certificateDecider, history).when({ type: 'CreateCertificate', data: createdData }).thenThrows(Conflict, 'CertificateExists'),
    );

    it.each([
      { desc: 'a CA bundle', m: keyless('ca', 'c') },
      { desc: 'a revocation list', m: keyless('crl', 'd') },
    ])('creates $desc without a key', ({ m }) =>
      given(certificateDecider)
        .when({ type: 'CreateCertificate', data: createdOf(m).data })
        .then([createdOf(m)]),
    );

    it.each([
      { desc: 'a server certificate without its key', m: { ...material('a'), privateKey: null } },
      { desc: 'a CA bundle with a key', m: { ...keyless('ca', 'c'), privateKey: material('a').privateKey } },
      { desc: 'a revocation list with a key', m: { ...keyless('crl', 'd'), privateKey: material('a').privateKey } },
    ])('refuses $desc', ({ m }) =>
      given(certificateDecider)
        .when({ type: 'CreateCertificate', data: createdOf(m).data })
        .thenThrows(ValidationError),
    );
  });

  describe('UpdateCertificate', () => {
    it.each([
      { desc: 'the name', change: { name: 'renamed' }, expected: updated('renamed', '') },
      { desc: 'the description', change: { description: 'front door' }, expected: updated('www', 'front door') },
      { desc: 'both', change: { name: 'n', description: 'd' }, expected: updated('n', 'd') },
      { desc: 'nothing', change: {}, expected: updated('www', '') },
    ])('carries every value when changing $desc', ({ change, expected }) =>
      given(certificateDecider, [created])
        .when({ type: 'UpdateCertificate', data: { certificateId: CERT, ...change } })
        .then([expected]),
    );

    it('starts from the last update', () =>
      given(certificateDecider, [created, updated('n', 'd')])
        .when({ type: 'UpdateCertificate', data: { certificateId: CERT, description: 'd2' } })
        .then([updated('n', 'd2')]));
  });

  describe('ReplaceCertificate', () => {
    it('replaces the chain and the key', () =>
      given(certificateDecider, [created]).when({ type: 'ReplaceCertificate', data: replaced.data }).then([replaced]));

    it.each([
      { desc: 'a CA bundle by another', kind: 'ca' as const },
      { desc: 'a revocation list by a newer one', kind: 'crl' as const },
    ])('replaces $desc', ({ kind }) =>
      given(certificateDecider, [createdOf(keyless(kind, 'c'))])
        .when({ type: 'ReplaceCertificate', data: replacedOf(keyless(kind, 'e')).data })
        .then([replacedOf(keyless(kind, 'e'))]),
    );

    it.each([
      { desc: 'a server certificate by a CA bundle', from: material('a'), to: keyless('ca', 'c') },
      { desc: 'a CA bundle by a revocation list', from: keyless('ca', 'c'), to: keyless('crl', 'd') },
      { desc: 'a revocation list by a server certificate', from: keyless('crl', 'd'), to: material('b') },
    ])('refuses to replace $desc: the kind stays', ({ from, to }) =>
      given(certificateDecider, [createdOf(from)])
        .when({ type: 'ReplaceCertificate', data: replacedOf(to).data })
        .thenThrows(ValidationError),
    );

    it('refuses a server replacement without its key', () =>
      given(certificateDecider, [created])
        .when({ type: 'ReplaceCertificate', data: { ...replaced.data, privateKey: null } })
        .thenThrows(ValidationError));

    it('replaces a certificate in use: its VIPs are served the new one', () =>
      given(certificateDecider, [created, attached('vip-1')])
        .when({ type: 'ReplaceCertificate', data: replaced.data })
        .then([replaced]));
  });

  describe('AttachCertificateVip', () => {
    it('records a VIP that uses the certificate', () =>
      given(certificateDecider, [created])
        .when({ type: 'AttachCertificateVip', data: { certificateId: CERT, vipId: 'vip-1' } })
        .then([attached('vip-1')]));

    it('records a second VIP beside the first', () =>
      given(certificateDecider, [created, attached('vip-1')])
        .when({ type: 'AttachCertificateVip', data: { certificateId: CERT, vipId: 'vip-2' } })
        .then([attached('vip-2')]));

    it.each([
      { desc: 'attached', history: [created, attached('vip-1')] },
      { desc: 'attached, detached and attached again', history: [created, attached('vip-1'), detached('vip-1'), attached('vip-1')] },
    ])('is a no-op for a VIP already $desc (a retried saga step)', ({ history }) =>
      given(certificateDecider, history)
        .when({ type: 'AttachCertificateVip', data: { certificateId: CERT, vipId: 'vip-1' } })
        .then([]),
    );

    it.each([
      { desc: 'a CA bundle', m: keyless('ca', 'c') },
      { desc: 'a revocation list', m: keyless('crl', 'd') },
    ])('refuses $desc: a VIP terminates TLS with a server certificate', ({ m }) => {
      const run = () =>
        certificateDecider.decide({ type: 'AttachCertificateVip', data: { certificateId: CERT, vipId: 'vip-1' } }, fold([createdOf(m)]));
      expect(run).toThrow(ValidationError);
      expect(run).toThrow(`Certificate ${CERT} is of kind ${m.kind} and has no private key`);
    });

    it('attaches again a VIP that was detached', () =>
      given(certificateDecider, [created, attached('vip-1'), detached('vip-1')])
        .when({ type: 'AttachCertificateVip', data: { certificateId: CERT, vipId: 'vip-1' } })
        .then([attached('vip-1')]));
  });

  describe('DetachCertificateVip', () => {
    it('forgets a VIP that stopped using the certificate', () =>
      given(certificateDecider, [created, attached('vip-1'), attached('vip-2')])
        .when({ type: 'DetachCertificateVip', data: { certificateId: CERT, vipId: 'vip-1' } })
        .then([detached('vip-1')]));

    it.each([
      { desc: 'a VIP never attached', history: [created, attached('vip-2')] },
      { desc: 'a VIP already detached', history: [created, attached('vip-1'), detached('vip-1')] },
      { desc: 'a deleted certificate', history: [created, deleted] },
      { desc: 'an absent certificate', history: [] },
    ])('is a no-op for $desc, so the VIP deletion saga converges', ({ history }) =>
      given(certificateDecider, history)
        .when({ type: 'DetachCertificateVip', data: { certificateId: CERT, vipId: 'vip-1' } })
        .then([]),
    );
  });

  describe('DeleteCertificate', () => {
    it.each([
      { desc: 'never used', history: [created] },
      { desc: 'no longer used', history: [created, attached('vip-1'), detached('vip-1')] },
    ])('deletes a certificate $desc', ({ history }) =>
      given(certificateDecider, history)
        .when({ type: 'DeleteCertificate', data: { certificateId: CERT } })
        .then([deleted]),
    );

    it.each([
      { desc: 'one VIP', history: [created, attached('vip-1')], vips: 'vip-1' },
      { desc: 'two VIPs', history: [created, attached('vip-1'), attached('vip-2')], vips: 'vip-1, vip-2' },
    ])('refuses a certificate used by $desc, naming them', ({ history, vips }) => {
      const run = () => certificateDecider.decide({ type: 'DeleteCertificate', data: { certificateId: CERT } }, fold(history));
      expect(run).toThrow(Conflict);
      expect(run).toThrow(`Certificate ${CERT} is used by VIP(s) ${vips} and cannot be deleted.`);
      given(certificateDecider, history)
        .when({ type: 'DeleteCertificate', data: { certificateId: CERT } })
        .thenThrows(Conflict, 'CertificateInUse');
    });
  });

  describe.each([
    { desc: 'absent', history: [] as CertificateEvent[] },
    { desc: 'deleted', history: [created, deleted] },
  ])('on a certificate that is $desc', ({ history }) => {
    it.each<CertificateCommand>([
      { type: 'UpdateCertificate', data: { certificateId: CERT, name: 'n' } },
      { type: 'ReplaceCertificate', data: replaced.data },
      { type: 'AttachCertificateVip', data: { certificateId: CERT, vipId: 'vip-1' } },
      { type: 'DeleteCertificate', data: { certificateId: CERT } },
    ])('$type is CertificateNotFound', (command) =>
      given(certificateDecider, history).when(command).thenThrows(NotFound, 'CertificateNotFound'),
    );
  });
});

describe('certificate evolve and view', () => {
  it('shows a created certificate without its private key', () => {
    const row = view([created]);
    expect(row).toEqual({
      id: CERT,
      tenant_id: 'tenant-a',
      kind: 'server',
      name: 'www',
      description: '',
      certificate: createdData.certificate,
      fingerprint: createdData.fingerprint,
      subject: 'www.example.test',
      hostnames: ['www.example.test', 'example.test'],
      not_before: '2026-01-01T00:00:00.000Z',
      not_after: '2027-01-01T00:00:00.000Z',
      vip_ids: [],
    });
    expect(JSON.stringify(certificateDecider.views(fold([created])))).not.toContain(material('a').privateKey?.ciphertext);
  });

  it('applies updates, replacements and the VIPs that use it', () => {
    expect(view([created, updated('n', 'd'), replaced, attached('vip-1'), attached('vip-2'), detached('vip-1')])).toEqual({
      id: CERT,
      tenant_id: 'tenant-a',
      kind: 'server',
      name: 'n',
      description: 'd',
      certificate: replaced.data.certificate,
      fingerprint: replaced.data.fingerprint,
      subject: 'www.example.test',
      hostnames: ['www.example.test', 'example.test'],
      not_before: '2026-01-01T00:00:00.000Z',
      not_after: '2027-01-01T00:00:00.000Z',
      vip_ids: ['vip-2'],
    });
    expect(fold([created, replaced])).toMatchObject({ kind: 'live', privateKey: replaced.data.privateKey });
  });

  it('records a VIP attached twice once', () => expect(view([created, attached('vip-1'), attached('vip-1')])?.vip_ids).toEqual(['vip-1']));

  it('shows nothing for an absent or deleted certificate', () => {
    expect(certificateDecider.views(fold([]))).toEqual({});
    expect(certificateDecider.views(fold([created, deleted]))).toEqual({});
  });

  it.each([
    { desc: 'an update', event: updated('n', 'd') },
    { desc: 'a replacement', event: replaced },
    { desc: 'an attachment', event: attached('vip-1') },
    { desc: 'a detachment', event: detached('vip-1') },
  ])('ignores $desc after the deletion', ({ event }) => expect(fold([created, deleted, event])).toEqual({ kind: 'deleted' }));

  it.each([
    { desc: 'an update', event: updated('n', 'd') },
    { desc: 'a replacement', event: replaced },
    { desc: 'an attachment', event: attached('vip-1') },
  ])('ignores $desc before the creation', ({ event }) => expect(fold([event])).toEqual({ kind: 'absent' }));
});

describe('certificate kinds', () => {
  it.each([
    { use: 'server', kinds: ['server'] },
    { use: 'ca', kinds: ['server', 'ca'] },
    { use: 'crl', kinds: ['crl'] },
  ] as const)('a $use reference takes $kinds', ({ use, kinds }) =>
    expect(CERTIFICATE_KINDS.filter((k) => certificateServes(use, k))).toEqual(kinds),
  );

  it('shows a CA bundle with its kind and no key', () => {
    const row = view([createdOf(keyless('ca', 'c'))]);
    expect(row).toMatchObject({ kind: 'ca', hostnames: [], subject: 'Test CA' });
    expect(fold([createdOf(keyless('ca', 'c'))])).toMatchObject({ kind: 'live', certificateKind: 'ca', privateKey: null });
  });
});

describe('certificate events of version 1', () => {
  const stored = (type: string, data: Record<string, unknown>): EventEnvelope => ({
    id: 'e',
    type,
    version: 1,
    aggregate: 'certificate',
    aggregateId: CERT,
    tenantId: 'tenant-a',
    actor: 'a',
    occurredAt: '2026-01-01T00:00:00Z',
    correlationId: 'c',
    causationId: null,
    data,
  });
  const { kind: _kind, ...v1Material } = material('a');

  it.each([
    { type: 'CertificateCreated', data: { ...createdData, kind: undefined } },
    { type: 'CertificateReplaced', data: { certificateId: CERT, ...v1Material } },
  ])('upcasts $type to version 2, a server certificate', ({ type, data }) => {
    const v1 = stored(type, Object.fromEntries(Object.entries(data).filter(([k]) => k !== 'kind')));
    expect(upcastEvent(v1)).toEqual({ ...v1, version: 2, data: { ...(v1.data as object), kind: 'server' } });
  });

  it('folds an upcast creation as the server certificate it was', () => {
    const { kind: _k, ...v1Data } = createdData;
    const upcast = upcastEvent(stored('CertificateCreated', v1Data)) as unknown as CertificateEvent;
    expect(fold([upcast])).toEqual(fold([created]));
  });
});
