import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const OPENSSL_BIN = process.env.LBAAS_OPENSSL_BIN ?? '/usr/bin/openssl';

export interface IssueOptions {
  /** Issue from an intermediate CA and return the chain leaf, intermediate. */
  readonly intermediate?: boolean;
  /** Issue from an intermediate CA whose validity ended yesterday (implies `intermediate`). */
  readonly intermediateExpired?: boolean;
  /** A leaf whose validity ended yesterday. */
  readonly expired?: boolean;
  /** EC P-256 (the default, fast) or RSA 2048. */
  readonly keyType?: 'rsa' | 'ec';
  /** The leaf's common name; the first DNS name by default. Give it with no DNS names for a leaf without subject alternative names. */
  readonly commonName?: string;
  /** A client certificate (extended key usage clientAuth), as a TLS server verifying its clients requires. */
  readonly client?: boolean;
}

export interface IssuedCertificate {
  /** PEM: the leaf, then its intermediate when there is one (never the root). */
  readonly certificatePem: string;
  /** PEM, PKCS#8, unencrypted. */
  readonly privateKeyPem: string;
  /** SHA-256 of the leaf's DER, lower-case hex. */
  readonly fingerprint: string;
  /** A file holding `certificatePem`. */
  readonly certPath: string;
  /** A file holding `privateKeyPem`. */
  readonly keyPath: string;
}

export interface TestCa {
  /** The root certificate, PEM: what a client trusts to verify what this CA issues. */
  readonly certificatePem: string;
  readonly certPath: string;
  /** The root's private key: a test that hands the CA over as a certificate resource needs it. */
  readonly keyPath: string;
  issue(dnsNames: readonly string[], options?: IssueOptions): Promise<IssuedCertificate>;
  /**
   * The root's certificate revocation list (PEM) listing `revoked` (leaves the root issued),
   * valid from an hour ago for 30 days, or past its nextUpdate since yesterday when `expired`.
   */
  revocationList(revoked: readonly IssuedCertificate[], options?: { readonly expired?: boolean }): Promise<string>;
}

/** Host names and common names reach an OpenSSL configuration file: nothing there may be read as syntax. */
const NAME = /^[A-Za-z0-9*][A-Za-z0-9.*-]{0,252}$/;

/** Paths are relative to the CA's directory, where openssl runs, so no path is parsed as configuration. */
const CONFIG = `
[ req ]
distinguished_name = dn
[ dn ]
[ ca ]
default_ca = test_ca
[ test_ca ]
database = index.txt
serial = serial
new_certs_dir = issued
default_md = sha256
policy = any_name
unique_subject = no
copy_extensions = none
[ any_name ]
commonName = supplied
[ root_ext ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
`;

const DAY_MS = 86_400_000;
/** `openssl ca`'s GeneralizedTime, YYYYMMDDHHMMSSZ. */
const asn1Time = (at: Date) => `${at.toISOString().slice(0, 19).replace(/[-T:]/g, '')}Z`;
const validity = (expired: boolean, now = Date.now()) =>
  expired ? { start: now - 2 * DAY_MS, end: now - DAY_MS } : { start: now - 3_600_000, end: now + 90 * DAY_MS };

interface Issuer {
  readonly certPath: string;
  readonly keyPath: string;
  readonly pem: string;
}

/**
 * A certificate authority made at test time with the `openssl` CLI in `dir` (created if absent;
 * the caller removes it): a root, intermediates when asked for, and leaves for given DNS names.
 * Keys are EC P-256 unless RSA is asked for, so issuing takes milliseconds.
 */
export async function makeTestCa(dir: string): Promise<TestCa> {
  await mkdir(join(dir, 'issued'), { recursive: true });
  const config = join(dir, 'openssl.cnf');
  await writeFile(config, CONFIG);
  await writeFile(join(dir, 'index.txt'), '');
  await writeFile(join(dir, 'serial'), '1000\n');
  let leaves = 0;
  const openssl = (...args: string[]) => run(OPENSSL_BIN, args, { cwd: dir });
  // `openssl ca` rewrites its index and serial files on every signature: one signature at a time.
  let signing: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const next = signing.then(work, work);
    signing = next.catch(() => undefined);
    return next;
  };

  const newKey = async (path: string, keyType: 'rsa' | 'ec') => {
    const algorithm =
      keyType === 'rsa'
        ? ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']
        : ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
    await openssl('genpkey', ...algorithm, '-out', path);
  };

  const sign = async (name: string, commonName: string, issuer: Issuer, keyType: 'rsa' | 'ec', expired: boolean, extensions: string[]) => {
    const base = join(dir, name);
    await newKey(`${base}.key`, keyType);
    await openssl('req', '-new', '-config', config, '-key', `${base}.key`, '-subj', `/CN=${commonName}`, '-out', `${base}.csr`);
    const { start, end } = validity(expired);
    await writeFile(`${base}.ext`, `[ ext ]\n${extensions.join('\n')}\n`);
    await serialized(() =>
      openssl(
        'ca',
        '-batch',
        '-notext',
        '-config',
        config,
        '-cert',
        issuer.certPath,
        '-keyfile',
        issuer.keyPath,
        '-in',
        `${base}.csr`,
        '-out',
        `${base}.crt`,
        '-extfile',
        `${base}.ext`,
        '-extensions',
        'ext',
        '-startdate',
        asn1Time(new Date(start)),
        '-enddate',
        asn1Time(new Date(end)),
      ),
    );
    return { certPath: `${base}.crt`, keyPath: `${base}.key`, pem: await readFile(`${base}.crt`, 'utf8') };
  };

  const rootKey = join(dir, 'root.key');
  const rootCert = join(dir, 'root.crt');
  await newKey(rootKey, 'ec');
  await openssl(
    'req',
    '-x509',
    '-new',
    '-config',
    config,
    '-extensions',
    'root_ext',
    '-key',
    rootKey,
    '-subj',
    '/CN=LBaaS Test Root CA',
    '-days',
    '3650',
    '-out',
    rootCert,
  );
  const root: Issuer = { certPath: rootCert, keyPath: rootKey, pem: await readFile(rootCert, 'utf8') };

  const intermediates = new Map<boolean, Promise<Issuer>>();
  const intermediate = (expired: boolean): Promise<Issuer> => {
    const known = intermediates.get(expired);
    if (known) return known;
    const made = sign(
      expired ? 'intermediate-expired' : 'intermediate',
      `LBaaS Test Intermediate CA${expired ? ' (expired)' : ''}`,
      root,
      'ec',
      expired,
      [
        'basicConstraints = critical,CA:TRUE,pathlen:0',
        'keyUsage = critical,keyCertSign,cRLSign',
        'subjectKeyIdentifier = hash',
        'authorityKeyIdentifier = keyid:always',
      ],
    );
    intermediates.set(expired, made);
    made.catch(() => intermediates.delete(expired));
    return made;
  };

  const issue = async (dnsNames: readonly string[], options: IssueOptions = {}): Promise<IssuedCertificate> => {
    const commonName = options.commonName ?? dnsNames[0];
    if (commonName === undefined) throw new Error('a leaf needs a DNS name or a common name');
    for (const name of [commonName, ...dnsNames])
      if (!NAME.test(name)) throw new Error(`'${name}' is not a host name the test CA issues for`);
    const chained = options.intermediate === true || options.intermediateExpired === true;
    const issuer = chained ? await intermediate(options.intermediateExpired === true) : root;
    const leaf = await sign(`leaf-${++leaves}`, commonName, issuer, options.keyType ?? 'ec', options.expired === true, [
      'basicConstraints = CA:FALSE',
      `extendedKeyUsage = ${options.client === true ? 'clientAuth' : 'serverAuth'}`,
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid:always',
      ...(dnsNames.length > 0 ? [`subjectAltName = ${dnsNames.map((n) => `DNS:${n}`).join(',')}`] : []),
    ]);
    const certificatePem = chained ? leaf.pem + issuer.pem : leaf.pem;
    await writeFile(leaf.certPath, certificatePem);
    return {
      certificatePem,
      privateKeyPem: await readFile(leaf.keyPath, 'utf8'),
      certPath: leaf.certPath,
      keyPath: leaf.keyPath,
      fingerprint: new X509Certificate(leaf.pem).fingerprint256.replace(/:/g, '').toLowerCase(),
    };
  };

  const rootSigns = ['-batch', '-config', config, '-cert', rootCert, '-keyfile', rootKey];
  const revoked = new Set<string>();
  let lists = 0;
  const revocationList = (leaves: readonly IssuedCertificate[], options: { readonly expired?: boolean } = {}) =>
    serialized(async () => {
      for (const leaf of leaves.filter((l) => !revoked.has(l.certPath))) {
        await openssl('ca', ...rootSigns, '-revoke', leaf.certPath);
        revoked.add(leaf.certPath);
      }
      const { start, end } = validity(options.expired === true);
      const out = join(dir, `revoked-${++lists}.crl`);
      await openssl(
        'ca',
        ...rootSigns,
        '-gencrl',
        '-crl_lastupdate',
        asn1Time(new Date(start)),
        '-crl_nextupdate',
        asn1Time(new Date(end)),
        '-out',
        out,
      );
      return readFile(out, 'utf8');
    });

  return { certificatePem: root.pem, certPath: rootCert, keyPath: rootKey, issue, revocationList };
}
