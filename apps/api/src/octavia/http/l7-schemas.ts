import { L7POLICY_ACTIONS, L7RULE_COMPARE_TYPES, L7RULE_TYPES, REDIRECT_HTTP_CODES } from '@lbaas/domain';
import { type Static, Type } from '@sinclair/typebox';

/**
 * Octavia's L7 policy and rule bodies (API 2.26). Types and enumerations are checked here; what
 * each action and rule type needs, and the characters a value may hold, are the decider's; a
 * REGEX value is compiled by HAProxy's PCRE2 before the decider sees it.
 */
const strict = { additionalProperties: false } as const;
const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Id = Type.String({ format: 'uuid', description: 'A UUID.' });
const Text = Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()]));
const Tags = Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 50 }));
const Url = Type.String({ minLength: 1, maxLength: 255, description: 'An absolute http or https URL.' });
const ProjectId = Type.Optional(Type.String({ minLength: 1, maxLength: 36, pattern: '^[A-Za-z0-9_-]+$', description: 'Project id.' }));
const Position = Type.Integer({
  minimum: 1,
  maximum: 2147483647,
  description: "1-based place among the listener's policies; the policies from there move down one; past the last appends.",
});
const RedirectHttpCode = Type.Union(
  REDIRECT_HTTP_CODES.map((c) => Type.Literal(c)),
  { description: 'REDIRECT_TO_URL and REDIRECT_PREFIX only; 302 when not given.' },
);
/** Octavia refuses CR and LF in keys and values at the schema already. */
const RuleText = Type.String({ maxLength: 255, pattern: '^[^\\r\\n]*$' });

const ruleFields = {
  type: Type.Optional(literals(L7RULE_TYPES)),
  compare_type: Type.Optional(literals(L7RULE_COMPARE_TYPES)),
  key: Type.Optional(Type.Union([RuleText, Type.Null()])),
  value: Type.Optional(RuleText),
  invert: Type.Optional(Type.Boolean()),
  admin_state_up: Type.Optional(Type.Boolean()),
  tags: Tags,
};
const ruleCreateFields = { ...ruleFields, type: literals(L7RULE_TYPES), compare_type: literals(L7RULE_COMPARE_TYPES), value: RuleText };
const RuleInPolicy = Type.Object(ruleCreateFields, strict);
const Rules = Type.Optional(Type.Array(RuleInPolicy, { maxItems: 50 }));

const policyFields = {
  name: Text,
  description: Text,
  admin_state_up: Type.Optional(Type.Boolean()),
  action: Type.Optional(literals(L7POLICY_ACTIONS)),
  redirect_pool_id: Type.Optional(Type.Union([Id, Type.Null()])),
  redirect_url: Type.Optional(Type.Union([Url, Type.Null()])),
  redirect_prefix: Type.Optional(Type.Union([Url, Type.Null()])),
  redirect_http_code: Type.Optional(Type.Union([RedirectHttpCode, Type.Null()])),
  position: Type.Optional(Position),
  tags: Tags,
};

/** A policy created with its listener (`POST /listeners`' `l7policies`): a policy's create but for the listener. */
export const PolicyOfNewListener = Type.Object({ ...policyFields, action: literals(L7POLICY_ACTIONS), rules: Rules }, strict);

/**
 * A policy's fields in the single-call create, where a pool has no id yet: the create's `redirect_pool`
 * (a whole pool or the name of one) stands for `redirect_pool_id`, as Octavia's L7PolicySingleCreate has it.
 */
export const policyInTreeFields = (() => {
  const { redirect_pool_id: _byId, ...fields } = policyFields;
  return { ...fields, action: literals(L7POLICY_ACTIONS), rules: Rules };
})();

export const l7BodySchemas = {
  createL7Policy: Type.Object(
    { ...policyFields, action: literals(L7POLICY_ACTIONS), listener_id: Id, project_id: ProjectId, rules: Rules },
    strict,
  ),
  updateL7Policy: Type.Object(policyFields, strict),
  createL7Rule: Type.Object({ ...ruleCreateFields, project_id: ProjectId }, strict),
  updateL7Rule: Type.Object(ruleFields, strict),
};

export type L7RuleBody = Static<typeof RuleInPolicy>;
export type PolicyOfNewListenerBody = Static<typeof PolicyOfNewListener>;
