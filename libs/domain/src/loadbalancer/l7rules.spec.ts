import { Conflict, NotFound, ValidationError } from '../errors';
import { given } from '../testing/given-when-then';
import type { L7RuleChanges } from './commands';
import { loadBalancerDecider } from './decider';
import type { LoadBalancerEvent } from './events';
import { policyCreated, ruleCreated, ruleDeleted, ruleUpdated, samplePolicy, sampleRule } from './l7-samples';
import type { L7RuleConfig } from './model';
import { at, LB, refusalOf, servedHistory } from './samples';

const create = (rule: L7RuleConfig, l7policyId = 'p1') =>
  ({ type: 'CreateL7Rule', data: { loadBalancerId: LB, l7policyId, rule, at: at(10) } }) as const;
const update = (changes: L7RuleChanges, ruleId = 'r1') =>
  ({ type: 'UpdateL7Rule', data: { loadBalancerId: LB, l7policyId: 'p1', ruleId, changes, at: at(10) } }) as const;
const withPolicy: LoadBalancerEvent[] = [...servedHistory(), policyCreated(7, 'listener-1', samplePolicy('p1'), [sampleRule('r1')])];

describe('CreateL7Rule', () => {
  it.each<[string, Partial<L7RuleConfig>]>([
    ['a PATH prefix', { type: 'PATH', compareType: 'STARTS_WITH', value: '/api' }],
    ['a HOST_NAME regex', { type: 'HOST_NAME', compareType: 'REGEX', value: '^(www|api)\\.lbaas\\.test$' }],
    ['a FILE_TYPE', { type: 'FILE_TYPE', compareType: 'EQUAL_TO', value: 'jpg' }],
    ['a HEADER with a quoted value', { type: 'HEADER', compareType: 'EQUAL_TO', key: 'X-Tenant', value: '"a b"' }],
    ['a COOKIE', { type: 'COOKIE', compareType: 'CONTAINS', key: 'session', value: 'abc' }],
    ['an inverted rule', { invert: true }],
    ['SSL_CONN_HAS_CERT', { type: 'SSL_CONN_HAS_CERT', compareType: 'EQUAL_TO', value: 'True' }],
    ['SSL_VERIFY_RESULT', { type: 'SSL_VERIFY_RESULT', compareType: 'EQUAL_TO', value: '0' }],
    ['SSL_DN_FIELD', { type: 'SSL_DN_FIELD', compareType: 'ENDS_WITH', key: 'CN', value: '.lbaas.test' }],
  ])('creates %s', (_desc, change) =>
    given(loadBalancerDecider, withPolicy)
      .when(create(sampleRule('r2', change)))
      .then([ruleCreated(10, 'listener-1', 'p1', sampleRule('r2', change))]),
  );

  it.each<[string, Partial<L7RuleConfig>, string]>([
    ['an empty value', { value: '' }, 'Error parsing L7Rule: Invalid L7 Rule: L7 rule type requires a value'],
    ['a HEADER without a key', { type: 'HEADER', key: null }, 'Invalid L7 Rule: L7 rule type requires a key'],
    ['a HEADER key with a space', { type: 'HEADER', key: 'X A' }, 'Invalid characters in key'],
    ['a header value with a space', { type: 'HEADER', key: 'X-A', value: 'a b' }, 'Invalid characters in header value'],
    ['a cookie value with a ;', { type: 'COOKIE', key: 'c', value: 'a;b' }, 'Invalid characters in cookie value'],
    ['a PATH value with a newline', { value: '/a\nbind :1' }, 'Invalid characters in comparison value'],
    [
      'a regex with a control character',
      { compareType: 'REGEX', value: '^/a\u0007' },
      'Unable to parse regular expression: contains control characters',
    ],
    ['a FILE_TYPE that CONTAINS', { type: 'FILE_TYPE', compareType: 'CONTAINS', value: 'jp' }, 'invalid comparison type for rule type'],
    [
      'SSL_CONN_HAS_CERT with a key',
      { type: 'SSL_CONN_HAS_CERT', compareType: 'EQUAL_TO', key: 'x', value: 'true' },
      'does not use the "key" field',
    ],
    ['SSL_CONN_HAS_CERT not true', { type: 'SSL_CONN_HAS_CERT', compareType: 'EQUAL_TO', value: 'false' }, 'is not a boolean True string'],
    ['SSL_VERIFY_RESULT not a number', { type: 'SSL_VERIFY_RESULT', compareType: 'EQUAL_TO', value: '-1' }, 'needs a int value'],
    ['SSL_VERIFY_RESULT as a prefix', { type: 'SSL_VERIFY_RESULT', compareType: 'STARTS_WITH', value: '1' }, 'only supports the EQUAL_TO'],
    ['SSL_DN_FIELD without a key', { type: 'SSL_DN_FIELD', value: 'x' }, 'needs to specify a key and a value'],
    ['SSL_DN_FIELD with a bad field', { type: 'SSL_DN_FIELD', key: '1CN', value: 'x' }, 'Invalid L7rule distinguished name field.'],
    ['a value too long', { value: `/${'a'.repeat(255)}` }, 'Invalid input for field/attribute value'],
  ])('refuses %s (400, saying why)', (_desc, change, words) => {
    const error = refusalOf(withPolicy, create(sampleRule('r2', change)));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(words);
  });

  it('refuses a 51st rule (409) and a policy that is not there (404)', () => {
    const full = [
      ...servedHistory(),
      policyCreated(
        7,
        'listener-1',
        samplePolicy('p1'),
        Array.from({ length: 50 }, (_, i) => sampleRule(`r${i}`)),
      ),
    ];
    given(loadBalancerDecider, full)
      .when(create(sampleRule('r99')))
      .thenThrows(Conflict, 'TooManyL7RulesOnL7Policy');
    given(loadBalancerDecider, withPolicy)
      .when(create(sampleRule('r2'), 'p9'))
      .thenThrows(NotFound, 'L7PolicyNotFound');
  });

  it('refuses an id already taken (409)', () =>
    given(loadBalancerDecider, withPolicy)
      .when(create(sampleRule('r1')))
      .thenThrows(Conflict, 'IDAlreadyExists'));
});

describe('UpdateL7Rule and DeleteL7Rule', () => {
  it('changes a rule, checked as its new type reads it', () => {
    given(loadBalancerDecider, withPolicy)
      .when(update({ type: 'HEADER', key: 'Host', value: 'a.test' }))
      .then([ruleUpdated(10, 'listener-1', 'p1', sampleRule('r1', { type: 'HEADER', key: 'Host', value: 'a.test' }))]);
    expect(refusalOf(withPolicy, update({ type: 'HEADER' })).message).toContain('requires a key');
  });

  it('appends nothing when nothing changes; 404 for a rule the policy does not have', () => {
    given(loadBalancerDecider, withPolicy)
      .when(update({ value: '/api' }))
      .then([]);
    given(loadBalancerDecider, withPolicy)
      .when(update({ value: '/x' }, 'r9'))
      .thenThrows(NotFound, 'L7RuleNotFound');
  });

  it('deletes a rule', () =>
    given(loadBalancerDecider, withPolicy)
      .when({ type: 'DeleteL7Rule', data: { loadBalancerId: LB, l7policyId: 'p1', ruleId: 'r1', at: at(10) } })
      .then([ruleDeleted(10, 'listener-1', 'p1', 'r1')]));

  it('views a rule with its policy', () => {
    const s = withPolicy.reduce(loadBalancerDecider.evolve, loadBalancerDecider.initialState);
    expect(loadBalancerDecider.views(s).l7rules).toEqual([
      expect.objectContaining({ id: 'r1', l7policy_id: 'p1', type: 'PATH', compare_type: 'STARTS_WITH', value: '/api', key: null }),
    ]);
  });
});
