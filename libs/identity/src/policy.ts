import type { Principal } from './principal';

/**
 * Who passes a rule: roles that pass it for any project's objects, and roles that pass it only
 * for the caller's own project's (Octavia's `load-balancer:owner`, `project_id:%(project_id)s`).
 */
export interface PolicyGrant {
  readonly anyProject: readonly string[];
  readonly ownProject: readonly string[];
}

const grant = (anyProject: readonly string[], ownProject: readonly string[] = []): PolicyGrant => ({ anyProject, ownProject });

const ADMIN = 'admin';
const LB_ADMIN = 'load-balancer_admin';
const LB_GLOBAL_OBSERVER = 'load-balancer_global_observer';
const LB_QUOTA_ADMIN = 'load-balancer_quota_admin';
const LB_MEMBER = 'load-balancer_member';
const LB_OBSERVER = 'load-balancer_observer';

// Octavia's base rules as its Zed defaults decide them (enforce_new_defaults and enforce_scope
// off): the deprecated check strings are or-ed in, so `admin` on any project is an Octavia admin
// and the load-balancer_* roles need no member/reader beside them. `member` and `reader` alone
// pass nothing: Octavia asks for its own roles.
const LB_API_ADMIN = grant([ADMIN, LB_ADMIN]);
const LB_READ = grant([ADMIN, LB_ADMIN, LB_GLOBAL_OBSERVER], [LB_MEMBER, LB_OBSERVER]);
const LB_READ_GLOBAL = grant([ADMIN, LB_ADMIN, LB_GLOBAL_OBSERVER]);
const LB_WRITE = grant([ADMIN, LB_ADMIN], [LB_MEMBER]);
const LB_READ_QUOTA = grant([ADMIN, LB_ADMIN, LB_GLOBAL_OBSERVER, LB_QUOTA_ADMIN], [LB_MEMBER, LB_OBSERVER]);
const LB_READ_QUOTA_GLOBAL = grant([ADMIN, LB_ADMIN, LB_GLOBAL_OBSERVER, LB_QUOTA_ADMIN]);
const LB_WRITE_QUOTA = grant([ADMIN, LB_ADMIN, LB_QUOTA_ADMIN]);

/**
 * Every rule either API checks and who passes it: one table, documented in docs/ARCHITECTURE.md
 * ("As built: identity"). Neutron v1 rules first, then Octavia v2's under Octavia's own names.
 */
export const POLICY = {
  /** Neutron v1: any authenticated role reads its own project; admin every project. */
  'neutron:read': grant([ADMIN], ['member', 'reader']),
  /** Neutron v1: writes need member (own project) or admin; a reader only reads. */
  'neutron:write': grant([ADMIN], ['member']),
  /** Neutron v1: operator views and actions (service instances, nodes, certificate reseal). */
  'neutron:admin': grant([ADMIN]),
  /** Neutron v1: every project's objects are visible and writable (no tenant scope). */
  'neutron:all-projects': grant([ADMIN]),

  'os_load-balancer_api:amphora:delete': LB_API_ADMIN,
  'os_load-balancer_api:amphora:get_all': LB_API_ADMIN,
  'os_load-balancer_api:amphora:get_one': LB_API_ADMIN,
  'os_load-balancer_api:amphora:get_stats': LB_API_ADMIN,
  'os_load-balancer_api:amphora:put_config': LB_API_ADMIN,
  'os_load-balancer_api:amphora:put_failover': LB_API_ADMIN,
  'os_load-balancer_api:availability-zone:delete': LB_API_ADMIN,
  'os_load-balancer_api:availability-zone:get_all': LB_READ,
  'os_load-balancer_api:availability-zone:get_one': LB_READ,
  'os_load-balancer_api:availability-zone:post': LB_API_ADMIN,
  'os_load-balancer_api:availability-zone:put': LB_API_ADMIN,
  'os_load-balancer_api:availability-zone-profile:delete': LB_API_ADMIN,
  'os_load-balancer_api:availability-zone-profile:get_all': LB_API_ADMIN,
  'os_load-balancer_api:availability-zone-profile:get_one': LB_API_ADMIN,
  'os_load-balancer_api:availability-zone-profile:post': LB_API_ADMIN,
  'os_load-balancer_api:availability-zone-profile:put': LB_API_ADMIN,
  'os_load-balancer_api:flavor:delete': LB_API_ADMIN,
  'os_load-balancer_api:flavor:get_all': LB_READ,
  'os_load-balancer_api:flavor:get_one': LB_READ,
  'os_load-balancer_api:flavor:post': LB_API_ADMIN,
  'os_load-balancer_api:flavor:put': LB_API_ADMIN,
  'os_load-balancer_api:flavor-profile:delete': LB_API_ADMIN,
  'os_load-balancer_api:flavor-profile:get_all': LB_API_ADMIN,
  'os_load-balancer_api:flavor-profile:get_one': LB_API_ADMIN,
  'os_load-balancer_api:flavor-profile:post': LB_API_ADMIN,
  'os_load-balancer_api:flavor-profile:put': LB_API_ADMIN,
  'os_load-balancer_api:healthmonitor:delete': LB_WRITE,
  'os_load-balancer_api:healthmonitor:get_all': LB_READ,
  'os_load-balancer_api:healthmonitor:get_all-global': LB_READ_GLOBAL,
  'os_load-balancer_api:healthmonitor:get_one': LB_READ,
  'os_load-balancer_api:healthmonitor:post': LB_WRITE,
  'os_load-balancer_api:healthmonitor:put': LB_WRITE,
  'os_load-balancer_api:l7policy:delete': LB_WRITE,
  'os_load-balancer_api:l7policy:get_all': LB_READ,
  'os_load-balancer_api:l7policy:get_all-global': LB_READ_GLOBAL,
  'os_load-balancer_api:l7policy:get_one': LB_READ,
  'os_load-balancer_api:l7policy:post': LB_WRITE,
  'os_load-balancer_api:l7policy:put': LB_WRITE,
  'os_load-balancer_api:l7rule:delete': LB_WRITE,
  'os_load-balancer_api:l7rule:get_all': LB_READ,
  'os_load-balancer_api:l7rule:get_one': LB_READ,
  'os_load-balancer_api:l7rule:post': LB_WRITE,
  'os_load-balancer_api:l7rule:put': LB_WRITE,
  'os_load-balancer_api:listener:delete': LB_WRITE,
  'os_load-balancer_api:listener:get_all': LB_READ,
  'os_load-balancer_api:listener:get_all-global': LB_READ_GLOBAL,
  'os_load-balancer_api:listener:get_one': LB_READ,
  'os_load-balancer_api:listener:get_stats': LB_READ,
  'os_load-balancer_api:listener:post': LB_WRITE,
  'os_load-balancer_api:listener:put': LB_WRITE,
  'os_load-balancer_api:loadbalancer:delete': LB_WRITE,
  'os_load-balancer_api:loadbalancer:get_all': LB_READ,
  'os_load-balancer_api:loadbalancer:get_all-global': LB_READ_GLOBAL,
  'os_load-balancer_api:loadbalancer:get_one': LB_READ,
  'os_load-balancer_api:loadbalancer:get_stats': LB_READ,
  'os_load-balancer_api:loadbalancer:get_status': LB_READ,
  'os_load-balancer_api:loadbalancer:post': LB_WRITE,
  'os_load-balancer_api:loadbalancer:put': LB_WRITE,
  'os_load-balancer_api:loadbalancer:put_failover': LB_API_ADMIN,
  'os_load-balancer_api:member:delete': LB_WRITE,
  'os_load-balancer_api:member:get_all': LB_READ,
  'os_load-balancer_api:member:get_one': LB_READ,
  'os_load-balancer_api:member:post': LB_WRITE,
  'os_load-balancer_api:member:put': LB_WRITE,
  'os_load-balancer_api:pool:delete': LB_WRITE,
  'os_load-balancer_api:pool:get_all': LB_READ,
  'os_load-balancer_api:pool:get_all-global': LB_READ_GLOBAL,
  'os_load-balancer_api:pool:get_one': LB_READ,
  'os_load-balancer_api:pool:post': LB_WRITE,
  'os_load-balancer_api:pool:put': LB_WRITE,
  'os_load-balancer_api:provider:get_all': LB_READ,
  'os_load-balancer_api:provider-availability-zone:get_all': LB_API_ADMIN,
  'os_load-balancer_api:provider-flavor:get_all': LB_API_ADMIN,
  'os_load-balancer_api:quota:delete': LB_WRITE_QUOTA,
  'os_load-balancer_api:quota:get_all': LB_READ_QUOTA,
  'os_load-balancer_api:quota:get_all-global': LB_READ_QUOTA_GLOBAL,
  'os_load-balancer_api:quota:get_defaults': LB_READ_QUOTA,
  'os_load-balancer_api:quota:get_one': LB_READ_QUOTA,
  'os_load-balancer_api:quota:put': LB_WRITE_QUOTA,
} as const satisfies Record<string, PolicyGrant>;

export type PolicyRule = keyof typeof POLICY;

/**
 * Whether the principal passes `rule` on an object of `targetProjectId`; without one, the object
 * is the principal's own project's (a create there, a list of it). A role that passes only on its
 * own project passes when the target is the principal's project; an admin role on any.
 */
export function allows(principal: Pick<Principal, 'roles' | 'tenantId'>, rule: PolicyRule, targetProjectId?: string): boolean {
  const { anyProject, ownProject }: PolicyGrant = POLICY[rule];
  if (principal.roles.some((role) => anyProject.includes(role))) return true;
  const own = targetProjectId === undefined || targetProjectId === principal.tenantId;
  return own && principal.roles.some((role) => ownProject.includes(role));
}
