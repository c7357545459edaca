import { CERTIFICATE_VERBS } from './certificates';
import { FLOATING_IP_VERBS } from './floating-ips';
import { HEALTH_MONITOR_VERBS } from './health-monitors';
import { MEMBER_VERBS } from './members';
import { NETWORK_VERBS } from './networks';
import { POOL_VERBS } from './pools';
import type { Verb } from './verb';
import { VIP_VERBS } from './vips';

export interface VerbGroup {
  readonly title: string;
  readonly verbs: readonly Verb[];
}

/** Every Neutron-style verb, in the order the help lists them. */
export const VERB_GROUPS: readonly VerbGroup[] = [
  { title: 'Networks, subnets and ports', verbs: NETWORK_VERBS },
  { title: 'Pools', verbs: POOL_VERBS },
  { title: 'Members', verbs: MEMBER_VERBS },
  { title: 'VIPs', verbs: VIP_VERBS },
  { title: 'TLS certificates', verbs: CERTIFICATE_VERBS },
  { title: 'Health monitors', verbs: HEALTH_MONITOR_VERBS },
  { title: 'Floating IPs', verbs: FLOATING_IP_VERBS },
];

export function findVerb(name: string): Verb | undefined {
  for (const group of VERB_GROUPS) {
    const verb = group.verbs.find((v) => v.name === name);
    if (verb) return verb;
  }
  return undefined;
}
