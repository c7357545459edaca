"""Writes what Octavia's own policy engine decides for every v2 rule and persona, the oracle
policy.spec.ts checks libs/identity's table against.

Run with Debian's interpreter and python3-octavia installed (apt-get install python3-octavia):
    /usr/bin/python3 libs/identity/oracle/octavia-policy.py > libs/identity/oracle/octavia-zed-policy.json
It uses Octavia's shipped defaults (oslo.policy enforce_new_defaults and enforce_scope off, as
in Zed). Each answer is 'any' (passes for any project's object), 'own' (only the caller's
project's) or 'none'.
"""
import json
import sys
import warnings
from importlib import metadata

from oslo_config import cfg

from octavia.common import config  # noqa: F401  registers [api_settings], read by the context
from octavia.common import context
from octavia.common import policy

# A persona is the role list a project-scoped token carries; Keystone's bootstrap makes
# admin imply member and member imply reader, so tokens carry the implied roles too.
PERSONAS = {
    'no role': [],
    'reader': ['reader'],
    'member': ['member', 'reader'],
    'admin': ['admin', 'member', 'reader'],
    'load-balancer_observer': ['load-balancer_observer'],
    'load-balancer_global_observer': ['load-balancer_global_observer'],
    'load-balancer_member': ['load-balancer_member'],
    'load-balancer_quota_admin': ['load-balancer_quota_admin'],
    'load-balancer_admin': ['load-balancer_admin'],
}


def answer(enforcer, rule, roles):
    caller = context.Context(user_id='user', project_id='own', roles=roles)
    own = bool(enforcer.authorize(rule, {'project_id': 'own'}, caller, do_raise=False))
    other = bool(enforcer.authorize(rule, {'project_id': 'other'}, caller, do_raise=False))
    return 'any' if other else 'own' if own else 'none'


def main():
    warnings.simplefilter('ignore')
    cfg.CONF([], project='octavia')
    enforcer = policy.get_enforcer()
    enforcer.load_rules()
    rules = sorted(name for name in enforcer.registered_rules if name.startswith('os_load-balancer_api:'))
    oracle = {rule: {name: answer(enforcer, rule, roles) for name, roles in PERSONAS.items()} for rule in rules}
    json.dump({'octavia': metadata.version('octavia'), 'personas': PERSONAS, 'rules': oracle}, sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
