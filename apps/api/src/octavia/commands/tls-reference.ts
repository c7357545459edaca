import {
  certificateDecider,
  type CertificateKind,
  certificateServes,
  type CertificateUse,
  ValidationError,
  validationFailure,
} from '@lbaas/domain';
import type { CommandRun } from '../../commands/command-run';
import { NO_TLS, type ListenerReferences, type PoolReferences, type TlsReference } from './octavia-configs';

const UUID_AT_END = /(?:^|\/)([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

/**
 * The certificate a `*_container_ref` names: this project's certificates (the Neutron API's
 * /v2.0/lb/certificates) by id, or any URL ending in /<id> (a Barbican container ref
 * `https://barbican.example/v1/containers/<id>` names the certificate with that id).
 */
export function certificateIdOf(ref: string): string | null {
  return UUID_AT_END.exec(ref.trim())?.[1]?.toLowerCase() ?? null;
}

/**
 * A reference to a certificate of a kind it cannot be used as, in Octavia's words: a server
 * certificate is one Octavia cannot load with its key, a CA or CRL one that does not parse as such.
 */
function wrongKind(use: CertificateUse, ref: string, kind: CertificateKind): ValidationError {
  switch (use) {
    case 'server':
      return new ValidationError(`Could not retrieve certificate: ${ref}`);
    case 'ca':
      return validationFailure(
        `The CA certificate ${ref} is invalid: it holds a certificate revocation list (kind ${kind}). It must be a valid x509 PEM format certificate.`,
      );
    case 'crl':
      return validationFailure(
        `The certificate revocation list ${ref} is invalid: it holds certificates (kind ${kind}). It must be a valid x509 PEM format certificate revocation list.`,
      );
  }
}

/**
 * The reference resolved and checked: the certificate exists, is the project's and of a kind
 * that serves `use` (a CRL is no server certificate, a server certificate no CRL), or a 400 as
 * Octavia words it.
 */
export async function resolveTlsReference(
  run: CommandRun,
  ref: string | null | undefined,
  projectId: string,
  use: CertificateUse,
): Promise<TlsReference> {
  if (ref === undefined || ref === null) return NO_TLS;
  const certificateId = certificateIdOf(ref);
  const refused = new ValidationError(`Could not retrieve certificate: ${ref}`);
  if (certificateId === null) throw refused;
  const { state } = await run.load(certificateDecider, certificateId);
  if (state.kind !== 'live' || state.tenantId !== projectId) throw refused;
  if (!certificateServes(use, state.certificateKind)) throw wrongKind(use, ref, state.certificateKind);
  return { ref, certificateId };
}

/** `undefined` stays undefined (an update that leaves the reference as it is). */
const resolvedOrKept = (
  run: CommandRun,
  ref: string | null | undefined,
  projectId: string,
  use: CertificateUse,
): Promise<TlsReference | undefined> => (ref === undefined ? Promise.resolve(undefined) : resolveTlsReference(run, ref, projectId, use));

interface ListenerReferenceFields {
  readonly default_tls_container_ref?: string | null;
  readonly sni_container_refs?: string[] | null;
  readonly client_ca_tls_container_ref?: string | null;
  readonly client_crl_container_ref?: string | null;
}

/** A listener body's certificate references, each resolved; an absent field is undefined (an update keeps it). */
export async function resolveListenerReferences(
  run: CommandRun,
  body: ListenerReferenceFields,
  projectId: string,
): Promise<Partial<ListenerReferences>> {
  const sni =
    body.sni_container_refs === undefined
      ? undefined
      : await Promise.all((body.sni_container_refs ?? []).map((ref) => resolveTlsReference(run, ref, projectId, 'server')));
  return {
    defaultTls: await resolvedOrKept(run, body.default_tls_container_ref, projectId, 'server'),
    sni: sni && { refs: sni.map((s) => s.ref as string), certificateIds: sni.map((s) => s.certificateId as string) },
    clientCa: await resolvedOrKept(run, body.client_ca_tls_container_ref, projectId, 'ca'),
    clientCrl: await resolvedOrKept(run, body.client_crl_container_ref, projectId, 'crl'),
  };
}

interface PoolReferenceFields {
  readonly tls_container_ref?: string | null;
  readonly ca_tls_container_ref?: string | null;
  readonly crl_container_ref?: string | null;
}

export async function resolvePoolReferences(
  run: CommandRun,
  body: PoolReferenceFields,
  projectId: string,
): Promise<Partial<PoolReferences>> {
  return {
    client: await resolvedOrKept(run, body.tls_container_ref, projectId, 'server'),
    ca: await resolvedOrKept(run, body.ca_tls_container_ref, projectId, 'ca'),
    crl: await resolvedOrKept(run, body.crl_container_ref, projectId, 'crl'),
  };
}
