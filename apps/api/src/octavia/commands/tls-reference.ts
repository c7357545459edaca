import { certificateDecider, ValidationError } from '@lbaas/domain';
import type { CommandRun } from '../../commands/command-run';
import { NO_TLS, type TlsReference } from './octavia-configs';

const UUID_AT_END = /(?:^|\/)([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

/**
 * The certificate a `default_tls_container_ref` names: this project's certificates (the Neutron
 * API's /v2.0/lb/certificates) by id, or any URL ending in /<id> (a Barbican container ref
 * `https://barbican.example/v1/containers/<id>` names the certificate with that id).
 */
export function certificateIdOf(ref: string): string | null {
  return UUID_AT_END.exec(ref.trim())?.[1]?.toLowerCase() ?? null;
}

/** The reference resolved and checked: the certificate exists and is the project's, or a 400 as Octavia words it. */
export async function resolveTlsReference(run: CommandRun, ref: string | null | undefined, projectId: string): Promise<TlsReference> {
  if (ref === undefined || ref === null) return NO_TLS;
  const certificateId = certificateIdOf(ref);
  const refused = new ValidationError(`Could not retrieve certificate: ${ref}`);
  if (certificateId === null) throw refused;
  const { state } = await run.load(certificateDecider, certificateId);
  if (state.kind !== 'live' || state.tenantId !== projectId) throw refused;
  return { ref, certificateId };
}
