import { NotFound, ValidationError } from '../errors';
import { checkTags, checkText, invalidInput, providerLimit } from './checks';
import type { L7PolicyConfig, L7RuleConfig, ListenerProtocol } from './model';
import type { L7PolicyState, L7RuleState, ListenerState, LiveLoadBalancer } from './state';

/*
 * Octavia's checks of L7 policies and rules, in its words. Values reach haproxy.cfg quoted and
 * escaped by the renderer; here every character class is Octavia's (header and cookie grammar),
 * control characters are refused everywhere, and a regex's syntax is left to the api, which asks
 * HAProxy's own PCRE2 (a JavaScript RegExp accepts and refuses other things).
 */

/** Octavia's bound: HAProxy's parser failed past about 53 rules per policy. */
export const MAX_RULES_PER_POLICY = 50;
export const MAX_POSITION = 2147483647;
const MAX_VALUE_LENGTH = 255;
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;
const HEADER_NAME = /^[a-zA-Z0-9!#$%&'*+,\-.^_`|~]+$/;
const HEADER_VALUE = /^[\x21-\x7e]+$/;
const QUOTED_HEADER_VALUE = /^"[\x20-\x7e\t]*"$/;
const COOKIE_VALUE = /^[a-zA-Z0-9!#$%&'()*+,\-./:<=>?@[\]^_`{|}~]+$/;
const DN_FIELD = /^[a-zA-Z][A-Za-z0-9-]*$/;
/** Visible ASCII of RFC 3986 only: no space, quote, backslash, braces, angle brackets or control character reaches a redirect. */
const URL_CHARACTERS = /^[A-Za-z0-9\-._~:/?#[\]@!$&()*+,;=%]+$/;

export const l7PolicyArgs = (detail: string): ValidationError =>
  new ValidationError(`Invalid L7 Policy arguments: ${detail}`, 'InvalidL7PolicyArgs');

const ruleInvalid = (detail: string): ValidationError => new ValidationError(`Error parsing L7Rule: ${detail}`, 'L7RuleValidation');
const invalidRule = (detail: string): ValidationError => ruleInvalid(`Invalid L7 Rule: ${detail}`);
const invalidString = (what: string): ValidationError => ruleInvalid(`Invalid characters in ${what}`);

/** L7 policies read HTTP: HAProxy sees requests only on HTTP and TERMINATED_HTTPS listeners. */
export function checkListenerTakesPolicies(protocol: ListenerProtocol): void {
  if (protocol !== 'HTTP' && protocol !== 'TERMINATED_HTTPS') {
    throw providerLimit(`L7 policies on ${protocol} listeners; HAProxy reads requests only on HTTP and TERMINATED_HTTPS listeners`);
  }
}

/** An absolute http(s) URL with a host, of RFC 3986 characters only (Octavia's URLType, stricter on what reaches the file). */
export function checkRedirectUrl(field: 'redirect_url' | 'redirect_prefix', value: string): void {
  const refused = new ValidationError(`Not a valid URL: ${value.replace(CONTROL, '?')}`, 'InvalidURL');
  if (value.length > MAX_VALUE_LENGTH || !URL_CHARACTERS.test(value)) throw refused;
  const parts = /^(https?):\/\/([^/?#]+)/i.exec(value);
  if (!parts || parts[2].startsWith('@') || parts[2].startsWith(':')) throw refused;
  if (field === 'redirect_prefix' && /[?#]/.test(value)) throw refused;
}

/** The listener and the policy of a policy id, on any listener of the load balancer. */
export function policyOf(lb: LiveLoadBalancer, id: string): { listener: ListenerState; policy: L7PolicyState } {
  for (const listener of lb.listeners) {
    const policy = listener.l7policies.find((p) => p.id === id);
    if (policy) return { listener, policy };
  }
  throw new NotFound('L7Policy', id, `L7 Policy ${id} not found.`);
}

export function ruleOf(policy: L7PolicyState, id: string): L7RuleState {
  const found = policy.rules.find((r) => r.id === id);
  if (!found) throw new NotFound('L7Rule', id, `L7 Rule ${id} not found.`);
  return found;
}

/** Every fields' rule once the action's own fields are settled (see decide-l7.ts). */
export function checkPolicy(p: L7PolicyConfig): void {
  checkText('name', p.name);
  checkText('description', p.description);
  checkTags(p.tags);
  if (!Number.isInteger(p.position) || p.position < 1 || p.position > MAX_POSITION) {
    throw invalidInput('position', p.position, `Value should be between 1 and ${MAX_POSITION}`);
  }
  switch (p.action) {
    case 'REDIRECT_TO_POOL':
      if (p.redirectPoolId === null) throw l7PolicyArgs('redirect_pool_id or redirect_pool must not be None');
      return;
    case 'REDIRECT_TO_URL':
      if (p.redirectUrl === null) throw l7PolicyArgs('redirect_url must not be None');
      checkRedirectUrl('redirect_url', p.redirectUrl);
      return;
    case 'REDIRECT_PREFIX':
      if (p.redirectPrefix === null) throw l7PolicyArgs('redirect_prefix must not be None');
      checkRedirectUrl('redirect_prefix', p.redirectPrefix);
      return;
    case 'REJECT':
      return;
  }
}

function checkRegex(value: string): void {
  if (CONTROL.test(value)) throw ruleInvalid('Unable to parse regular expression: contains control characters');
}

function checkComparedValue(r: L7RuleConfig, what: string, shape: 'header' | 'cookie'): void {
  if (r.compareType === 'REGEX') return checkRegex(r.value);
  const ok = shape === 'cookie' ? COOKIE_VALUE.test(r.value) : HEADER_VALUE.test(r.value) || QUOTED_HEADER_VALUE.test(r.value);
  if (!ok) throw invalidString(what);
}

function checkKeyed(r: L7RuleConfig): void {
  if (r.key === null || r.key === '') throw invalidRule('L7 rule type requires a key');
  if (!HEADER_NAME.test(r.key)) throw invalidString('key');
}

function checkSslRule(r: L7RuleConfig): void {
  if (r.type === 'SSL_DN_FIELD') {
    if (r.compareType === 'REGEX') checkRegex(r.value);
    if (r.key === null || r.key === '') throw invalidRule(`L7rule type ${r.type} needs to specify a key and a value.`);
    if (!DN_FIELD.test(r.key)) throw invalidRule('Invalid L7rule distinguished name field.');
    if (r.compareType !== 'REGEX' && !HEADER_VALUE.test(r.value) && !QUOTED_HEADER_VALUE.test(r.value))
      throw invalidString('comparison value');
    return;
  }
  if (r.key !== null && r.key !== '') throw invalidRule(`L7rule type ${r.type} does not use the "key" field.`);
  if (r.type === 'SSL_CONN_HAS_CERT' && r.value.toLowerCase() !== 'true') {
    throw invalidRule(`L7rule value ${r.value} is not a boolean True string.`);
  }
  if (r.type === 'SSL_VERIFY_RESULT' && !/^\d{1,9}$/.test(r.value))
    throw invalidRule(`L7rule type ${r.type} needs a int value, which is >= 0`);
  if (r.compareType !== 'EQUAL_TO') throw invalidRule(`L7rule type ${r.type} only supports the EQUAL_TO compare type.`);
}

/** Octavia's l7rule_data: what each rule type needs of its key, value and comparison. */
export function checkRule(r: L7RuleConfig): void {
  checkTags(r.tags);
  if (r.value === '') throw invalidRule('L7 rule type requires a value');
  for (const [field, text] of [
    ['value', r.value],
    ['key', r.key ?? ''],
  ] as const) {
    if (text.length > MAX_VALUE_LENGTH)
      throw invalidInput(field, text, `Value should have a maximum character requirement of ${MAX_VALUE_LENGTH}`);
    if (field === 'value' && r.compareType === 'REGEX') checkRegex(text);
    if (CONTROL.test(text)) throw invalidString(field === 'key' ? 'key' : 'comparison value');
  }
  switch (r.type) {
    case 'HEADER':
      checkKeyed(r);
      return checkComparedValue(r, 'header value', 'header');
    case 'COOKIE':
      checkKeyed(r);
      return checkComparedValue(r, 'cookie value', 'cookie');
    case 'HOST_NAME':
    case 'PATH':
      return checkComparedValue(r, 'comparison value', 'header');
    case 'FILE_TYPE':
      if (r.compareType !== 'REGEX' && r.compareType !== 'EQUAL_TO') throw invalidRule('invalid comparison type for rule type');
      return checkComparedValue(r, 'comparison value', 'header');
    case 'SSL_CONN_HAS_CERT':
    case 'SSL_VERIFY_RESULT':
    case 'SSL_DN_FIELD':
      return checkSslRule(r);
  }
}
