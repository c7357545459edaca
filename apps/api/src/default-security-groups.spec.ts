import { defaultSecurityGroup, defaultSecurityGroupId, listDefaultSecurityGroups, visibleProjects } from './default-security-groups';
import { HttpError } from './http/errors';
import type { ListShape } from './http/list-query';

const PROJECTS = ['p-a', 'p-b', 'p-c', 'p-d'];
const NO_SHAPE: ListShape = { sort: [] };
const byId = [...PROJECTS].sort((a, b) => (defaultSecurityGroupId(a) < defaultSecurityGroupId(b) ? -1 : 1));
const projectsOf = (shape: ListShape, filters: Record<string, string[]> = {}) =>
  listDefaultSecurityGroups(PROJECTS, filters, shape).items.map((group) => group.project_id);

describe('default security groups', () => {
  it("are one per project with a stable id and Neutron's fields", () => {
    expect(defaultSecurityGroup('p-a')).toEqual({
      id: defaultSecurityGroupId('p-a'),
      name: 'default',
      description: 'Default security group',
      tenant_id: 'p-a',
      project_id: 'p-a',
      security_group_rules: [],
    });
    expect(defaultSecurityGroupId('p-a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(defaultSecurityGroupId('p-a')).toBe(defaultSecurityGroupId('p-a'));
    expect(new Set(PROJECTS.map(defaultSecurityGroupId)).size).toBe(PROJECTS.length);
  });

  it.each([
    ['a project sees its own only', { tenantId: 'p-a', isAdmin: false }, {}, ['p-a']],
    ['a project naming another sees its own only', { tenantId: 'p-a', isAdmin: false }, { tenant_id: ['p-b'] }, ['p-a']],
    ['an admin sees every owner and its own', { tenantId: 'admin', isAdmin: true }, {}, ['p-a', 'p-b', 'admin']],
    [
      'an admin naming a project sees its group',
      { tenantId: 'admin', isAdmin: true },
      { project_id: ['p-z'] },
      ['p-a', 'p-b', 'admin', 'p-z'],
    ],
  ])('%s', (_desc, caller, filters, expected) => {
    expect(visibleProjects(caller, ['p-a', 'p-b'], filters)).toEqual(expected);
  });

  it('lists ordered by id, filtered on scalar fields, ignoring other filters', () => {
    expect(projectsOf(NO_SHAPE)).toEqual(byId);
    expect(projectsOf(NO_SHAPE, { tenant_id: ['p-b', 'p-c'], name: ['default'] }).sort()).toEqual(['p-b', 'p-c']);
    expect(projectsOf(NO_SHAPE, { project_id: ['p-b'], tenant_id: ['p-c'] })).toEqual([]);
    expect(projectsOf(NO_SHAPE, { name: ['web'] })).toEqual([]);
    expect(projectsOf(NO_SHAPE, { id: [defaultSecurityGroupId('p-d')] })).toEqual(['p-d']);
    expect(projectsOf(NO_SHAPE, { security_group_rules: ['x'], shared: ['true'], name: [] })).toEqual(byId);
  });

  it('sorts by a field and direction, id breaking ties, and refuses a sort on the rules', () => {
    expect(projectsOf({ sort: [{ key: 'tenant_id', dir: 'desc' }] })).toEqual(['p-d', 'p-c', 'p-b', 'p-a']);
    expect(
      projectsOf({
        sort: [
          { key: 'name', dir: 'asc' },
          { key: 'id', dir: 'desc' },
        ],
      }),
    ).toEqual([...byId].reverse());
    expect(() => projectsOf({ sort: [{ key: 'security_group_rules', dir: 'asc' }] })).toThrow(HttpError);
  });

  it('pages after a marker, both ways, and says when there is more', () => {
    const sort = [{ key: 'project_id', dir: 'asc' as const }];
    const marker = defaultSecurityGroupId('p-b');
    expect(listDefaultSecurityGroups(PROJECTS, {}, { sort, page: { limit: 1, marker: null, pageReverse: false } })).toMatchObject({
      items: [{ project_id: 'p-a' }],
      more: true,
    });
    expect(listDefaultSecurityGroups(PROJECTS, {}, { sort, page: { limit: 2, marker, pageReverse: false } })).toMatchObject({
      items: [{ project_id: 'p-c' }, { project_id: 'p-d' }],
      more: false,
    });
    expect(listDefaultSecurityGroups(PROJECTS, {}, { sort, page: { limit: 5, marker, pageReverse: true } })).toMatchObject({
      items: [{ project_id: 'p-a' }],
      more: false,
    });
    expect(() =>
      listDefaultSecurityGroups(PROJECTS, {}, { sort, page: { limit: 1, marker: defaultSecurityGroupId('p-z'), pageReverse: false } }),
    ).toThrow('Invalid marker');
  });
});
