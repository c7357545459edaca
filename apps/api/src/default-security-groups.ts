import { v5 as uuidv5 } from 'uuid';
import { HttpError } from './http/errors';
import type { ListShape } from './http/list-query';

/**
 * Neutron's `default` security group of each project, as OpenStack's tools expect to find it
 * beside a load balancer (cloud clean-ups list it by `tenant_id` and `name=default`, then delete
 * it). This service has no security groups: the group is derived from the project, never stored,
 * so its id is stable (uuid v5 of the project id) and a rebuild or restart changes nothing.
 */
export type DefaultSecurityGroup = {
  readonly id: string;
  readonly name: 'default';
  readonly description: string;
  readonly tenant_id: string;
  readonly project_id: string;
  readonly security_group_rules: readonly never[];
};

const NAMESPACE = '0f5b3c1e-7d2a-4b8c-9e61-3a4d5c6b7e80';

export const defaultSecurityGroupId = (projectId: string): string => uuidv5(projectId, NAMESPACE);

export const defaultSecurityGroup = (projectId: string): DefaultSecurityGroup => ({
  id: defaultSecurityGroupId(projectId),
  name: 'default',
  description: 'Default security group',
  tenant_id: projectId,
  project_id: projectId,
  security_group_rules: [],
});

/** The fields a filter or a sort may name; Neutron ignores filters on others. */
const SCALAR_FIELDS = ['id', 'name', 'description', 'tenant_id', 'project_id'] as const;
type ScalarField = (typeof SCALAR_FIELDS)[number];
const isScalarField = (name: string): name is ScalarField => (SCALAR_FIELDS as readonly string[]).includes(name);

/**
 * Which projects' groups a caller may see: a project its own; an administrator every project
 * that owns anything, its own, and those it names in `tenant_id`/`project_id` (Neutron creates
 * a project's default group when an administrator lists it by project, so it is always there).
 */
export function visibleProjects(
  caller: { readonly tenantId: string; readonly isAdmin: boolean },
  owners: readonly string[],
  filters: Readonly<Record<string, readonly string[]>>,
): string[] {
  if (!caller.isAdmin) return [caller.tenantId];
  const named = [...(filters.tenant_id ?? []), ...(filters.project_id ?? [])];
  return [...new Set([...owners, caller.tenantId, ...named])];
}

/**
 * Neutron's list semantics over the derived groups: filters on the scalar fields (a key
 * repeated is IN, two keys AND), `sort_key`/`sort_dir` with id last, and a keyset page.
 */
export function listDefaultSecurityGroups(
  projects: readonly string[],
  filters: Readonly<Record<string, readonly string[]>>,
  shape: ListShape,
): { items: DefaultSecurityGroup[]; more: boolean } {
  const order: { key: ScalarField; dir: 'asc' | 'desc' }[] = [];
  for (const { key, dir } of shape.sort) {
    if (!isScalarField(key)) throw new HttpError(400, 'HTTPBadRequest', `Attribute '${key}' not allowed in sort.`);
    if (key !== 'id') order.push({ key, dir });
  }
  order.push({ key: 'id', dir: shape.sort.find((s) => s.key === 'id')?.dir ?? 'asc' });
  const page = shape.page;
  const forward = (dir: 'asc' | 'desc') => (dir === 'asc') !== !!page?.pageReverse;
  const compare = (a: DefaultSecurityGroup, b: DefaultSecurityGroup): number => {
    for (const { key, dir } of order) {
      if (a[key] !== b[key]) return (a[key] < b[key] ? -1 : 1) * (forward(dir) ? 1 : -1);
    }
    return 0;
  };
  const groups = projects.map(defaultSecurityGroup);
  let rows = groups
    .filter((group) =>
      Object.entries(filters).every(([name, values]) => !isScalarField(name) || values.length === 0 || values.includes(group[name])),
    )
    .sort(compare);
  if (page?.marker) {
    // Only a group the caller may see can be a marker, filtered or not, as for the stored collections.
    const marker = groups.find((group) => group.id === page.marker);
    if (!marker) throw new HttpError(400, 'HTTPBadRequest', `Invalid marker ${page.marker}: no such security_groups item.`);
    rows = rows.filter((row) => compare(row, marker) > 0);
  }
  const more = !!page && page.limit > 0 && rows.length > page.limit;
  const kept = more && page ? rows.slice(0, page.limit) : rows;
  if (page?.pageReverse) kept.reverse();
  return { items: kept, more };
}
