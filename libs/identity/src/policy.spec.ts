import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allows, POLICY, type PolicyRule } from './policy';

type Answer = 'any' | 'own' | 'none';

/** What Octavia 11 (Zed) itself decides, written by oracle/octavia-policy.py with Octavia's enforcer. */
const oracle = JSON.parse(readFileSync(join(__dirname, '..', 'oracle', 'octavia-zed-policy.json'), 'utf8')) as {
  octavia: string;
  personas: Record<string, string[]>;
  rules: Record<string, Record<string, Answer>>;
};

const OWN = 'project-own';
const OTHER = 'project-other';

function answer(roles: readonly string[], rule: PolicyRule): Answer {
  const principal = { roles, tenantId: OWN };
  if (allows(principal, rule, OTHER)) return 'any';
  return allows(principal, rule, OWN) ? 'own' : 'none';
}

const octaviaRules = Object.keys(POLICY).filter((rule) => rule.startsWith('os_load-balancer_api:')) as PolicyRule[];
const personas = Object.entries(oracle.personas);

describe('the policy table', () => {
  it('has exactly the v2 rules Octavia registers', () => {
    expect(oracle.octavia).toBe('11.0.0');
    expect([...octaviaRules].sort()).toEqual(Object.keys(oracle.rules).sort());
  });

  describe.each(octaviaRules)('%s', (rule) => {
    it.each(personas)('decides for %s as Octavia Zed does', (persona, roles) => {
      expect(answer(roles, rule)).toBe(oracle.rules[rule][persona]);
    });
  });

  it('denies a caller with only member or reader on every v2 rule, as Octavia does', () => {
    for (const rule of octaviaRules) {
      expect(answer(['member', 'reader'], rule)).toBe('none');
      expect(answer(['reader'], rule)).toBe('none');
    }
  });

  const neutron: Record<string, Record<'neutron:read' | 'neutron:write' | 'neutron:admin' | 'neutron:all-projects', Answer>> = {
    'no role': { 'neutron:read': 'none', 'neutron:write': 'none', 'neutron:admin': 'none', 'neutron:all-projects': 'none' },
    reader: { 'neutron:read': 'own', 'neutron:write': 'none', 'neutron:admin': 'none', 'neutron:all-projects': 'none' },
    member: { 'neutron:read': 'own', 'neutron:write': 'own', 'neutron:admin': 'none', 'neutron:all-projects': 'none' },
    admin: { 'neutron:read': 'any', 'neutron:write': 'any', 'neutron:admin': 'any', 'neutron:all-projects': 'any' },
    'load-balancer_observer': { 'neutron:read': 'none', 'neutron:write': 'none', 'neutron:admin': 'none', 'neutron:all-projects': 'none' },
    'load-balancer_global_observer': { 'neutron:read': 'none', 'neutron:write': 'none', 'neutron:admin': 'none', 'neutron:all-projects': 'none' },
    'load-balancer_member': { 'neutron:read': 'none', 'neutron:write': 'none', 'neutron:admin': 'none', 'neutron:all-projects': 'none' },
    'load-balancer_quota_admin': { 'neutron:read': 'none', 'neutron:write': 'none', 'neutron:admin': 'none', 'neutron:all-projects': 'none' },
    'load-balancer_admin': { 'neutron:read': 'none', 'neutron:write': 'none', 'neutron:admin': 'none', 'neutron:all-projects': 'none' },
  };

  it('lists every Neutron v1 rule here', () => {
    expect(Object.keys(POLICY).filter((rule) => !rule.startsWith('os_load-balancer_api:')).sort()).toEqual(Object.keys(neutron.admin).sort());
  });

  describe.each(Object.keys(neutron.admin) as (keyof (typeof neutron)['admin'])[])('%s', (rule) => {
    it.each(personas)('decides for %s as the v1 API always has', (persona, roles) => {
      expect(answer(roles, rule)).toBe(neutron[persona][rule]);
    });
  });

  it('takes the principal\'s own project when no target is named (the v1 API\'s calls)', () => {
    expect(allows({ roles: ['member'], tenantId: OWN }, 'neutron:write')).toBe(true);
    expect(allows({ roles: ['reader'], tenantId: OWN }, 'neutron:write')).toBe(false);
    expect(allows({ roles: ['load-balancer_member'], tenantId: OWN }, 'os_load-balancer_api:loadbalancer:post')).toBe(true);
    expect(allows({ roles: ['load-balancer_observer'], tenantId: OWN }, 'os_load-balancer_api:loadbalancer:get_all-global')).toBe(false);
  });

  it('adds up the roles of a principal holding several', () => {
    const demo = { roles: ['member', 'reader', 'load-balancer_observer'], tenantId: OWN };
    expect(allows(demo, 'neutron:write', OWN)).toBe(true);
    expect(allows(demo, 'os_load-balancer_api:pool:get_one', OWN)).toBe(true);
    expect(allows(demo, 'os_load-balancer_api:pool:put', OWN)).toBe(false);
    expect(allows(demo, 'os_load-balancer_api:pool:get_one', OTHER)).toBe(false);
  });
});
