import { existsSync } from 'node:fs';
import type { CertificateState, SealedSecret, VipState } from '@lbaas/domain';
import type { TlsFile } from '@lbaas/dataplane';
import { FINGERPRINT_PREFIX_LENGTH, type TlsFileFact } from '@lbaas/haproxy';
import { type KeyRing, loadKeyRing, openSecret, SecretUnreadable } from '@lbaas/secrets';

/** Opens the sealed private keys of certificates; throws with a message that never holds key material. */
export interface SecretOpener {
  open(sealed: SealedSecret): string;
}

/**
 * The deployment's certificate key ring at `path` (LBAAS_CERTIFICATE_KEY_FILE, with its
 * `.previous`), read when a key is first opened, so an agent that serves no certificate never
 * touches it, and read again when a key names a key id the ring lacks (the key was rotated
 * since). Unlike the api, an agent never creates the file: a key of its own would open nothing.
 */
export function certificateKeyFile(path: string): SecretOpener {
  let ring: KeyRing | null = null;
  const load = (): KeyRing => {
    if (!existsSync(path))
      throw new Error(`there is no certificate key file ${path} (LBAAS_CERTIFICATE_KEY_FILE); it must hold the api's key`);
    ring = loadKeyRing(path);
    return ring;
  };
  return {
    open(sealed) {
      const held = ring ?? load();
      try {
        return openSecret(sealed, held);
      } catch (error) {
        const known = [held.current, ...held.previous].some((k) => k.id === sealed.keyId);
        if (error instanceof SecretUnreadable && !known) return openSecret(sealed, load());
        throw error;
      }
    },
  };
}

/** How many versions of one certificate an agent keeps: a rendering names one of the last few. */
const KEPT_VERSIONS = 4;

interface Material {
  readonly certificate: string;
  /** Null for a CA bundle or revocation list, which is written as it is. */
  readonly privateKey: SealedSecret | null;
}

/**
 * The recent versions of each certificate, by fingerprint prefix, as the log gave them. A
 * replaced certificate reaches the agent before the rendering that names it, and a rendering
 * the checker rejects leaves the one before in force: so the file named by the running
 * configuration can still be written (after an agent restart, a dead HAProxy) until a new
 * rendering names the new version. Keys stay sealed here; they are opened per apply.
 */
export class CertificateVersions {
  private readonly byId = new Map<string, Map<string, Material>>();

  record(certificateId: string, state: CertificateState): void {
    if (state.kind !== 'live') {
      this.byId.delete(certificateId);
      return;
    }
    const versions = this.byId.get(certificateId) ?? new Map<string, Material>();
    const prefix = state.fingerprint.slice(0, FINGERPRINT_PREFIX_LENGTH);
    // Re-inserted, so the newest is last and the oldest goes first.
    versions.delete(prefix);
    versions.set(prefix, { certificate: state.certificate, privateKey: state.privateKey });
    for (const oldest of [...versions.keys()].slice(0, Math.max(0, versions.size - KEPT_VERSIONS))) versions.delete(oldest);
    this.byId.set(certificateId, versions);
  }

  get(certificateId: string, fingerprintPrefix: string): Material | undefined {
    return this.byId.get(certificateId)?.get(fingerprintPrefix);
  }
}

export interface PlacementTlsContext {
  /** The VIP of the placement's instance; null for a load balancer's, whose rendering names what its listeners use. */
  readonly vipId: string | null;
  readonly vip: VipState | undefined;
  readonly certificates: ReadonlyMap<string, CertificateState>;
  readonly versions: CertificateVersions;
  /** Absent: no TLS files at all (a driver that runs nothing). */
  readonly keys: SecretOpener | undefined;
}

export type PlacementTls =
  | { readonly kind: 'files'; readonly files: TlsFile[] }
  /** A file the configuration names cannot be written yet: apply nothing this pass. */
  | { readonly kind: 'wait'; readonly reason: string };

/**
 * The TLS files a placement's bundle names: a certificate's chain followed by its opened private
 * key, or a CA's certificates alone (`ca` and `crl` files), for a certificate the placement's VIP
 * uses (a load balancer's rendering names only what its listeners and pools use). Throws, with a reason fit for
 * status_description that names the certificate and never holds key material, when a key cannot
 * be opened (not sealed with a key this agent holds, tampered).
 */
export function placementTlsFiles(refs: readonly TlsFileFact[], c: PlacementTlsContext): PlacementTls {
  if (refs.length === 0 || c.keys === undefined) return { kind: 'files', files: [] };
  const files: TlsFile[] = [];
  for (const ref of refs) {
    const id = ref.certificateId;
    const certificate = c.certificates.get(id);
    if (certificate?.kind !== 'live') return { kind: 'wait', reason: `certificate ${id} is not in the log as read so far` };
    // Only certificates of the VIP this placement serves; a switch to another one is on its way to a new rendering.
    const used = c.vipId === null || (c.vip?.kind === 'live' && c.vip.tlsCertificateId === id) || certificate.vipIds.includes(c.vipId);
    if (!used)
      return { kind: 'wait', reason: `certificate ${id} is no longer used by VIP ${c.vipId}: waiting for the rendering without it` };
    const material = c.versions.get(id, ref.fingerprintPrefix);
    if (!material)
      return { kind: 'wait', reason: `certificate ${id} with fingerprint ${ref.fingerprintPrefix}... is not in the log as read so far` };
    // A CA bundle or revocation list HAProxy verifies with: the PEM alone, and no key is opened for it.
    if (ref.kind !== 'certificate') {
      files.push({ path: ref.path, pem: `${material.certificate.trimEnd()}\n` });
      continue;
    }
    // The api refuses a keyless certificate where a server certificate is named; a rendering that names one anyway fails loudly.
    if (material.privateKey === null)
      throw new Error(`certificate ${id} has no private key (it is a CA bundle or revocation list) and cannot be served as a certificate`);
    let key: string;
    try {
      key = c.keys.open(material.privateKey);
    } catch (error) {
      throw new Error(`cannot open the private key of certificate ${id}: ${error instanceof Error ? error.message : String(error)}`);
    }
    files.push({ path: ref.path, pem: `${material.certificate.trimEnd()}\n${key.trimEnd()}\n` });
  }
  return { kind: 'files', files };
}
