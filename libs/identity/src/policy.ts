import type { Principal } from './principal';

/**
 * Every rule either API checks, and the roles that satisfy it: one table, documented in
 * docs/ARCHITECTURE.md. A principal holding any of a rule's roles passes it. v1 (Neutron) rules
 * first; the Octavia v2 rules join this table with that API.
 */
export const POLICY = {
  /** Neutron v1: any authenticated role reads its own project (admin: every project). */
  'neutron:read': ['admin', 'member', 'reader'],
  /** Neutron v1: writes need member or admin; a reader only reads. */
  'neutron:write': ['admin', 'member'],
  /** Neutron v1: operator views and actions (service instances, nodes, certificate reseal). */
  'neutron:admin': ['admin'],
  /** Every project's objects are visible and writable (no tenant scope). */
  'neutron:all-projects': ['admin'],
} as const satisfies Record<string, readonly string[]>;

export type PolicyRule = keyof typeof POLICY;

export function allows(principal: Pick<Principal, 'roles'>, rule: PolicyRule): boolean {
  const roles: readonly string[] = POLICY[rule];
  return principal.roles.some((role) => roles.includes(role));
}
