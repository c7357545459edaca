import { type IssuedCertificate, makeTestCa, startStack, type TestCa } from '@lbaas/testing';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  absentId,
  anUuid,
  type Certificate,
  expectNeutronError,
  NeutronApi,
  type NeutronErrorBody,
  type Network,
  type Pool,
  type Port,
  type Reply,
  type RequestOptions,
  type Subnet,
  type Vip,
} from './neutron-api';

/**
 * TLS certificates through the built api and projections: the CRUD of /v2.0/lb/certificates,
 * validation at the edge, tenant scope, VIPs that terminate TLS with one, and the rotation of
 * the deployment's certificate key finished by resealing. No answer, error or list may ever
 * carry a private key.
 */

/** Every answer any caller of this spec got, to show that none carried a private key. */
const answers: string[] = [];

class RecordingApi extends NeutronApi {
  override async request<B>(method: string, path: string, options: RequestOptions = {}): Promise<Reply<B>> {
    const reply = await super.request<B>(method, path, options);
    answers.push(reply.text);
    return reply;
  }
}

const CERTIFICATES = '/v2.0/lb/certificates';
/** A PEM private key with its material: messages may name the armour (what the field must hold), never carry a key. */
const KEY_MATERIAL = /-----BEGIN [A-Z ]*PRIVATE KEY-----\s*[A-Za-z0-9+/=]{16}/;
const CERTIFICATE_FIELDS = [
  'certificate',
  'description',
  'fingerprint',
  'hostnames',
  'id',
  'name',
  'not_after',
  'not_before',
  'subject',
  'tenant_id',
  'vip_ids',
];

describe('TLS certificates', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let demo: NeutronApi;
  let other: NeutronApi;
  let reader: NeutronApi;
  let admin: NeutronApi;
  let ca: TestCa;
  let site: IssuedCertificate;
  let renewed: IssuedCertificate;
  let chained: IssuedCertificate;
  let expired: IssuedCertificate;
  let rsa: IssuedCertificate;
  let vipSubnet: Subnet;
  let pools: Record<'HTTP' | 'HTTPS' | 'TCP', Pool>;
  const caDir = mkdtempSync(join(tmpdir(), 'lbt-certificates-ca-'));

  beforeAll(async () => {
    ca = await makeTestCa(caDir);
    [site, renewed, chained, expired, rsa] = await Promise.all([
      ca.issue(['www.example.test', 'example.test']),
      ca.issue(['www.example.test']),
      ca.issue(['chained.example.test'], { intermediate: true }),
      ca.issue(['old.example.test'], { expired: true }),
      ca.issue(['rsa.example.test'], { keyType: 'rsa' }),
    ]);
    stack = await startStack();
    demo = new RecordingApi(stack.apiUrl, stack.tokens.demo.token);
    other = new RecordingApi(stack.apiUrl, stack.tokens.other.token);
    reader = new RecordingApi(stack.apiUrl, stack.tokens.reader.token);
    admin = new RecordingApi(stack.apiUrl, stack.tokens.admin.token);
    const network = await demo.create<Network>('/v2.0/networks', 'network', { name: 'vipnet' });
    vipSubnet = await demo.create<Subnet>('/v2.0/subnets', 'subnet', { network_id: network.id, cidr: '198.18.1.0/24', ip_version: 4 });
    const pool = (protocol: 'HTTP' | 'HTTPS' | 'TCP') =>
      demo.create<Pool>('/v2.0/lb/pools', 'pool', { name: protocol, protocol, lb_method: 'ROUND_ROBIN', subnet_id: vipSubnet.id });
    pools = { HTTP: await pool('HTTP'), HTTPS: await pool('HTTPS'), TCP: await pool('TCP') };
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    rmSync(caDir, { recursive: true, force: true });
  }, 60_000);

  const body = (c: IssuedCertificate, fields: Record<string, unknown> = {}) => ({
    certificate: { name: 'site', certificate: c.certificatePem, private_key: c.privateKeyPem, ...fields },
  });
  const create = async (api: NeutronApi, c: IssuedCertificate, fields: Record<string, unknown> = {}): Promise<Certificate> =>
    api.create<Certificate>(CERTIFICATES, 'certificate', body(c, fields).certificate);

  /** Every list as the admin, and the stream's last sequence: a refused request must leave both as they were. */
  async function state(): Promise<unknown> {
    const ready = await admin.as(null).get<{ projections: { streamLastSeq: number } }>('/readyz');
    return { lists: await admin.snapshot(), streamLastSeq: ready.body.projections.streamLastSeq };
  }

  describe('create, read, update, delete', () => {
    it('creates a certificate and shows it everywhere without its private key', async () => {
      const reply = await demo.post<{ certificate: Certificate }>(CERTIFICATES, body(site, { description: 'the shop' }));
      expect(reply.status).toBe(201);
      const created = reply.body.certificate;
      expect(created).toEqual({
        id: anUuid(),
        tenant_id: stack.tokens.demo.tenant_id,
        name: 'site',
        description: 'the shop',
        certificate: site.certificatePem,
        fingerprint: site.fingerprint,
        subject: 'www.example.test',
        hostnames: ['www.example.test', 'example.test'],
        not_before: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        not_after: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        vip_ids: [],
      });
      expect(Object.keys(created).sort()).toEqual(CERTIFICATE_FIELDS);
      expect(new Date(created.not_after).getTime()).toBeGreaterThan(Date.now());

      expect((await demo.get(`${CERTIFICATES}/${created.id}`)).body).toEqual({ certificate: created });
      expect((await reader.get(`${CERTIFICATES}/${created.id}`)).body).toEqual({ certificate: created });
      const listed = await demo.get<{ certificates: Certificate[] }>(CERTIFICATES);
      expect(listed.body.certificates).toContainEqual(created);
      const byFingerprint = await demo.get<{ certificates: Partial<Certificate>[] }>(
        `${CERTIFICATES}?fingerprint=${site.fingerprint}&fields=id&fields=fingerprint`,
      );
      expect(byFingerprint.body.certificates).toEqual([{ id: created.id, fingerprint: site.fingerprint }]);
      expect(
        (await demo.get<{ certificates: unknown[] }>(`${CERTIFICATES}?fields=private_key`)).body.certificates.every(
          (c) => Object.keys(c as object).length === 0,
        ),
      ).toBe(true);
      const asAdmin = await admin.get<{ certificates: Certificate[] }>(CERTIFICATES);
      expect(asAdmin.body.certificates).toContainEqual(created);
      // Reads never hold a key, nor even the word for one.
      for (const read of [reply, listed, asAdmin, await demo.get(`${CERTIFICATES}/${created.id}`)])
        expect(read.text).not.toContain('PRIVATE KEY');
      expect((await demo.delete(`${CERTIFICATES}/${created.id}`)).status).toBe(204);
    });

    it('takes a chain in order and RSA keys, and creates for another tenant as an admin', async () => {
      const withChain = await create(demo, chained);
      expect(withChain).toMatchObject({
        certificate: chained.certificatePem,
        hostnames: ['chained.example.test'],
        fingerprint: chained.fingerprint,
      });
      const forDemo = await create(admin, rsa, { tenant_id: stack.tokens.demo.tenant_id });
      expect(forDemo.tenant_id).toBe(stack.tokens.demo.tenant_id);
      expect((await demo.get(`${CERTIFICATES}/${forDemo.id}`)).status).toBe(200);
      for (const id of [withChain.id, forDemo.id]) expect((await demo.delete(`${CERTIFICATES}/${id}`)).status).toBe(204);
    });

    it('renames it, and replaces certificate and key together in place (rotation)', async () => {
      const created = await create(demo, site);
      const renamed = await demo.put<{ certificate: Certificate }>(`${CERTIFICATES}/${created.id}`, {
        certificate: { name: 'shop', description: 'renamed' },
      });
      expect({ status: renamed.status, body: renamed.body }).toEqual({
        status: 200,
        body: { certificate: { ...created, name: 'shop', description: 'renamed' } },
      });
      const replaced = await demo.put<{ certificate: Certificate }>(`${CERTIFICATES}/${created.id}`, {
        certificate: { certificate: renewed.certificatePem, private_key: renewed.privateKeyPem },
      });
      expect(replaced.status).toBe(200);
      expect(replaced.body.certificate).toEqual({
        ...renamed.body.certificate,
        certificate: renewed.certificatePem,
        fingerprint: renewed.fingerprint,
        hostnames: ['www.example.test'],
        not_before: expect.any(String),
        not_after: expect.any(String),
      });
      expect((await demo.get(`${CERTIFICATES}/${created.id}`)).body).toEqual(replaced.body);
      expect((await demo.delete(`${CERTIFICATES}/${created.id}`)).status).toBe(204);
      expectNeutronError(await demo.get(`${CERTIFICATES}/${created.id}`), 404, 'CertificateNotFound');
      expectNeutronError(await demo.delete(`${CERTIFICATES}/${created.id}`), 404, 'CertificateNotFound');
    });
  });

  describe('validation at the edge', () => {
    const [leafOf, intermediateOf] = [
      (pem: string) => pem.split(/(?<=-----END CERTIFICATE-----\n)/)[0],
      (pem: string) => pem.split(/(?<=-----END CERTIFICATE-----\n)/)[1],
    ];
    const encryptedKey = () =>
      createPrivateKey(site.privateKeyPem)
        .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'hunter2' })
        .toString();
    const CREATES: { desc: string; fields: () => Record<string, unknown>; type: string; message: RegExp }[] = [
      {
        desc: 'garbage instead of a PEM certificate',
        fields: () => ({ certificate: 'hello world' }),
        type: 'HTTPBadRequest',
        message: /^Invalid input for certificate\. Reason: no PEM certificate/,
      },
      {
        desc: 'garbage instead of a PEM key',
        fields: () => ({ private_key: 'hello world' }),
        type: 'HTTPBadRequest',
        message: /^Invalid input for private_key\. Reason: no PEM private key/,
      },
      {
        desc: 'a truncated certificate',
        fields: () => ({ certificate: site.certificatePem.slice(0, 200) }),
        type: 'HTTPBadRequest',
        message: /^Invalid input for certificate\./,
      },
      {
        desc: 'the key of another certificate',
        fields: () => ({ private_key: renewed.privateKeyPem }),
        type: 'HTTPBadRequest',
        message: /does not match the certificate/,
      },
      {
        desc: 'a chain in the wrong order',
        fields: () => ({
          certificate: intermediateOf(chained.certificatePem) + leafOf(chained.certificatePem),
          private_key: chained.privateKeyPem,
        }),
        type: 'HTTPBadRequest',
        message: /did not issue certificate 1 .*send the leaf first/,
      },
      {
        desc: 'an expired certificate',
        fields: () => ({ certificate: expired.certificatePem, private_key: expired.privateKeyPem }),
        type: 'HTTPBadRequest',
        message: /expired on/,
      },
      {
        desc: 'a key encrypted with a passphrase',
        fields: () => ({ private_key: encryptedKey() }),
        type: 'HTTPBadRequest',
        message: /encrypted with a passphrase/,
      },
      {
        desc: 'the key inside the certificate field',
        fields: () => ({ certificate: site.certificatePem + site.privateKeyPem }),
        type: 'HTTPBadRequest',
        message: /holds a private key/,
      },
      {
        desc: 'no private key',
        fields: () => ({ private_key: undefined }),
        type: 'HTTPBadRequest',
        message: /Required attribute 'private_key'/,
      },
      {
        desc: 'a PEM field over 64 KiB',
        fields: () => ({ certificate: site.certificatePem.repeat(200) }),
        type: 'HTTPBadRequest',
        message: /^Invalid input for certificate\./,
      },
      { desc: 'an unknown field', fields: () => ({ passphrase: 'x' }), type: 'HTTPBadRequest', message: /Unrecognized attribute/ },
    ];

    it.each(CREATES)('refuses $desc with a 400 that says why, and changes nothing', async ({ fields, type, message }) => {
      const before = await state();
      const reply = await demo.post<NeutronErrorBody>(CERTIFICATES, body(site, fields()));
      expectNeutronError(reply, 400, type);
      expect(reply.body.NeutronError.message).toMatch(message);
      expect(reply.text).not.toMatch(KEY_MATERIAL);
      expect(await state()).toEqual(before);
    });

    it.each([
      { desc: 'a certificate without its key', fields: () => ({ certificate: renewed.certificatePem }) },
      { desc: 'a key without its certificate', fields: () => ({ private_key: renewed.privateKeyPem, name: 'x' }) },
      {
        desc: 'a replacement whose key does not match',
        fields: () => ({ certificate: renewed.certificatePem, private_key: site.privateKeyPem }),
      },
      { desc: 'an expired replacement', fields: () => ({ certificate: expired.certificatePem, private_key: expired.privateKeyPem }) },
    ])('refuses to replace with $desc with a 400, and changes nothing', async ({ fields }) => {
      const created = await create(demo, site, { name: 'replace-me' });
      const before = await state();
      const reply = await demo.put<NeutronErrorBody>(`${CERTIFICATES}/${created.id}`, { certificate: fields() });
      expectNeutronError(reply, 400, 'HTTPBadRequest');
      expect(reply.body.NeutronError.message).toMatch(/^Invalid input for (certificate|private_key)\. Reason: /);
      expect(await state()).toEqual(before);
      expect((await demo.get(`${CERTIFICATES}/${created.id}`)).body).toEqual({ certificate: created });
      expect((await demo.delete(`${CERTIFICATES}/${created.id}`)).status).toBe(204);
    });

    it('says that both come together when only one is sent', async () => {
      const created = await create(demo, site);
      const reply = await demo.put<NeutronErrorBody>(`${CERTIFICATES}/${created.id}`, {
        certificate: { certificate: renewed.certificatePem },
      });
      expect(reply.body.NeutronError.message).toMatch(/send both certificate and private_key, or neither/);
      expect((await demo.delete(`${CERTIFICATES}/${created.id}`)).status).toBe(204);
    });

    it('refuses a body over 1 MiB with a 413', async () => {
      expectNeutronError(
        await demo.post(CERTIFICATES, body(site, { description: 'x'.repeat(1024 * 1024) })),
        413,
        'HTTPRequestEntityTooLarge',
      );
    });
  });

  describe('tenant scope and roles', () => {
    it("answers another tenant's certificate exactly like one that does not exist, and changes nothing", async () => {
      const mine = await create(demo, site);
      const before = await state();
      const missing = absentId();
      const requests: [string, (id: string) => Promise<Reply<unknown>>][] = [
        ['show', (id) => other.get(`${CERTIFICATES}/${id}`)],
        ['rename', (id) => other.put(`${CERTIFICATES}/${id}`, { certificate: { name: 'mine now' } })],
        ['replace', (id) => other.put(`${CERTIFICATES}/${id}`, body(renewed))],
        ['delete', (id) => other.delete(`${CERTIFICATES}/${id}`)],
      ];
      for (const [what, send] of requests) {
        const [foreign, nothing] = [await send(mine.id), await send(missing)];
        const same = (reply: Reply<unknown>, id: string) => ({ status: reply.status, text: reply.text.split(id).join('<id>') });
        expect({ what, ...same(foreign, mine.id) }).toEqual({ what, ...same(nothing, missing) });
        expect(foreign.status).toBe(404);
      }
      const listed = await other.get<{ certificates: Certificate[] }>(`${CERTIFICATES}?id=${mine.id}&tenant_id=${mine.tenant_id}`);
      expect(listed.body.certificates).toEqual([]);
      expect(await state()).toEqual(before);
      expect((await demo.delete(`${CERTIFICATES}/${mine.id}`)).status).toBe(204);
    });

    it('lets a reader read but not write, and refuses tenant_id of another tenant to a member', async () => {
      const mine = await create(demo, site);
      const before = await state();
      expectNeutronError(await reader.post(CERTIFICATES, body(site)), 403, 'PolicyNotAuthorized');
      expectNeutronError(await reader.put(`${CERTIFICATES}/${mine.id}`, { certificate: { name: 'x' } }), 403, 'PolicyNotAuthorized');
      expectNeutronError(await reader.delete(`${CERTIFICATES}/${mine.id}`), 403, 'PolicyNotAuthorized');
      expectNeutronError(await demo.post(CERTIFICATES, body(site, { tenant_id: stack.tokens.other.tenant_id })), 400, 'HTTPBadRequest');
      expect(await state()).toEqual(before);
      expect((await demo.delete(`${CERTIFICATES}/${mine.id}`)).status).toBe(204);
    });
  });

  describe('VIPs that terminate TLS', () => {
    const vipBody = (protocol: 'HTTP' | 'HTTPS' | 'TCP', tls: string | null) => ({
      vip: {
        name: `tls-${protocol}`,
        protocol,
        protocol_port: 443,
        subnet_id: vipSubnet.id,
        pool_id: pools[protocol].id,
        tls_certificate_id: tls,
      },
    });

    it('creates an HTTP VIP with tls_certificate_id, and keeps the certificate while the VIP uses it', async () => {
      const certificate = await create(demo, site);
      const created = await demo.post<{ vip: Vip }>('/v2.0/lb/vips', vipBody('HTTP', certificate.id));
      expect(created.status).toBe(201);
      const vip = created.body.vip;
      expect(vip).toMatchObject({ protocol: 'HTTP', tls_certificate_id: certificate.id, pool_id: pools.HTTP.id });
      expect((await demo.get<{ vip: Vip }>(`/v2.0/lb/vips/${vip.id}`)).body.vip.tls_certificate_id).toBe(certificate.id);
      expect((await demo.get<{ vips: Vip[] }>(`/v2.0/lb/vips?tls_certificate_id=${certificate.id}`)).body.vips.map((v) => v.id)).toEqual([
        vip.id,
      ]);
      expect((await demo.get<{ certificate: Certificate }>(`${CERTIFICATES}/${certificate.id}`)).body.certificate.vip_ids).toEqual([
        vip.id,
      ]);

      const before = await state();
      const inUse = await demo.delete(`${CERTIFICATES}/${certificate.id}`);
      expectNeutronError(inUse, 409, 'CertificateInUse');
      expect((inUse.body as unknown as NeutronErrorBody).NeutronError.message).toContain(vip.id);
      expect(await state()).toEqual(before);

      // Off, on again with a renewed certificate, then the VIP goes and takes its attachment with it.
      const second = await create(demo, renewed, { name: 'second' });
      const off = await demo.put<{ vip: Vip }>(`/v2.0/lb/vips/${vip.id}`, { vip: { tls_certificate_id: null } });
      expect({ status: off.status, tls: off.body.vip.tls_certificate_id }).toEqual({ status: 200, tls: null });
      expect((await demo.get<{ certificate: Certificate }>(`${CERTIFICATES}/${certificate.id}`)).body.certificate.vip_ids).toEqual([]);
      const on = await demo.put<{ vip: Vip }>(`/v2.0/lb/vips/${vip.id}`, { vip: { tls_certificate_id: second.id, name: 'renamed' } });
      expect(on.body.vip).toMatchObject({ tls_certificate_id: second.id, name: 'renamed' });
      expect((await demo.get<{ certificate: Certificate }>(`${CERTIFICATES}/${second.id}`)).body.certificate.vip_ids).toEqual([vip.id]);
      expect((await demo.delete(`${CERTIFICATES}/${certificate.id}`)).status).toBe(204);
      expect((await demo.delete(`/v2.0/lb/vips/${vip.id}`)).status).toBe(204);
      expect((await demo.get<{ certificate: Certificate }>(`${CERTIFICATES}/${second.id}`)).body.certificate.vip_ids).toEqual([]);
      expect((await demo.delete(`${CERTIFICATES}/${second.id}`)).status).toBe(204);
    });

    it.each(['TCP', 'HTTPS'] as const)(
      'refuses a certificate on a %s VIP with a 400 and leaves nothing behind: no port, no address, no attachment',
      async (protocol) => {
        const certificate = await create(demo, site);
        const before = await state();
        const reply = await demo.post<NeutronErrorBody>('/v2.0/lb/vips', vipBody(protocol, certificate.id));
        expectNeutronError(reply, 400, 'HTTPBadRequest');
        expect(reply.body.NeutronError.message).toMatch(
          /^Invalid input for tls_certificate_id\. Reason: a certificate terminates TLS on an HTTP VIP/,
        );
        expect(await state()).toEqual(before);
        expect((await demo.get<{ ports: Port[] }>('/v2.0/ports')).body.ports.filter((p) => p.name.startsWith('vip-'))).toEqual([]);
        expect((await demo.get<{ pool: Pool }>(`/v2.0/lb/pools/${pools[protocol].id}`)).body.pool.vip_id).toBeNull();
        expect((await demo.get<{ certificate: Certificate }>(`${CERTIFICATES}/${certificate.id}`)).body.certificate.vip_ids).toEqual([]);

        // Nor can a VIP of that protocol start using one.
        const vip = await demo.create<Vip>('/v2.0/lb/vips', 'vip', vipBody(protocol, null).vip);
        const changed = await state();
        expectNeutronError(
          await demo.put(`/v2.0/lb/vips/${vip.id}`, { vip: { tls_certificate_id: certificate.id } }),
          400,
          'HTTPBadRequest',
        );
        expect(await state()).toEqual(changed);
        expect((await demo.delete(`/v2.0/lb/vips/${vip.id}`)).status).toBe(204);
        expect((await demo.delete(`${CERTIFICATES}/${certificate.id}`)).status).toBe(204);
      },
    );

    it("refuses another tenant's or a missing certificate on a VIP with CertificateNotFound, and changes nothing", async () => {
      const theirs = await create(other, renewed);
      const before = await state();
      for (const id of [theirs.id, absentId()]) {
        const reply = await demo.post<NeutronErrorBody>('/v2.0/lb/vips', vipBody('HTTP', id));
        expectNeutronError(reply, 404, 'CertificateNotFound');
        expect(reply.body.NeutronError.message).toBe(`Certificate ${id} could not be found.`);
      }
      expect(await state()).toEqual(before);
      expect((await other.delete(`${CERTIFICATES}/${theirs.id}`)).status).toBe(204);
    });
  });

  describe('a rotation of the deployment key, finished by resealing', () => {
    const reseal = (api: NeutronApi, id: string) => api.put<{ certificate: Certificate }>(`${CERTIFICATES}/${id}/reseal`, {});

    it('is for administrators only', async () => {
      const certificate = await create(demo, site);
      const before = await state();
      for (const caller of [demo, other, reader]) expectNeutronError(await reseal(caller, certificate.id), 403, 'PolicyNotAuthorized');
      expectNeutronError(await reseal(admin, absentId()), 404, 'CertificateNotFound');
      expectNeutronError(
        await admin.put(`${CERTIFICATES}/${certificate.id}/reseal`, { certificate: { name: 'x' } }),
        400,
        'HTTPBadRequest',
      );
      expect(await state()).toEqual(before);
      const resealed = await admin.request<{ certificate: Certificate }>('PUT', `${CERTIFICATES}/${certificate.id}/reseal`);
      expect({ status: resealed.status, body: resealed.body }).toEqual({ status: 200, body: { certificate } });
      expect((await demo.delete(`${CERTIFICATES}/${certificate.id}`)).status).toBe(204);
    });

    it('opens keys sealed with the previous key and seals them with the new one; what is not resealed is lost with the previous key', async () => {
      const keyFile = stack.certificateKeyFile;
      const oldKey = readFileSync(keyFile, 'utf8');
      const [first, second] = [await create(demo, site, { name: 'first' }), await create(demo, chained, { name: 'second' })];
      const rotate = async (current: string, previous: string | null) => {
        writeFileSync(keyFile, current, { mode: 0o600 });
        if (previous === null) rmSync(`${keyFile}.previous`, { force: true });
        else writeFileSync(`${keyFile}.previous`, previous, { mode: 0o600 });
        await stack.restartService('api');
      };
      try {
        const newKey = randomBytes(32).toString('hex');
        await rotate(newKey, oldKey);
        const resealed = await reseal(admin, first.id);
        expect({ status: resealed.status, body: resealed.body }).toEqual({ status: 200, body: { certificate: first } });

        // The previous key goes before the second certificate was resealed: its key cannot be opened any more.
        await rotate(newKey, null);
        expect((await reseal(admin, first.id)).status).toBe(200);
        const lost = await reseal(admin, second.id);
        expectNeutronError(lost, 409, 'CertificateKeyUnavailable');
        expect((lost.body as unknown as NeutronErrorBody).NeutronError.message).toMatch(/\.previous/);

        // Given back, it opens again.
        await rotate(newKey, oldKey);
        expect((await reseal(admin, second.id)).status).toBe(200);
        await rotate(newKey, null);
        expect((await reseal(admin, second.id)).status).toBe(200);
        expect((await demo.get(`${CERTIFICATES}/${second.id}`)).body).toEqual({ certificate: second });
      } finally {
        await rotate(oldKey, null);
      }
      for (const c of [first, second]) expect((await demo.delete(`${CERTIFICATES}/${c.id}`)).status).toBe(204);
    });

    it('stops an api whose key file is not a key, saying so', async () => {
      const keyFile = stack.certificateKeyFile;
      const key = readFileSync(keyFile, 'utf8');
      writeFileSync(keyFile, 'not a key');
      try {
        await expect(stack.restartService('api')).rejects.toThrow(/LBAAS_CERTIFICATE_KEY_FILE.*64 hexadecimal characters/s);
      } finally {
        writeFileSync(keyFile, key);
        await stack.startService('api');
      }
      expect((await demo.get(CERTIFICATES)).status).toBe(200);
    });
  });

  it('never answered anything with a private key in it', () => {
    expect(answers.length).toBeGreaterThan(50);
    const keys = [site, renewed, chained, expired, rsa].map((c) => c.privateKeyPem.replace(/-----[A-Z ]+-----|\s/g, '').slice(0, 48));
    expect(answers.filter((text) => KEY_MATERIAL.test(text) || keys.some((k) => text.includes(k)))).toEqual([]);
    expect(answers.filter((text) => /private_key"\s*:/.test(text))).toEqual([]);
    const logs = stack.services.api.logs();
    expect(KEY_MATERIAL.test(logs) || keys.some((k) => logs.includes(k))).toBe(false);
  });
});
