#!/usr/bin/env node
// Writes .lbaas/dev-tokens.json once: one admin and two ordinary tenants, random tokens,
// Keystone-style tenant ids. The api reads the same file (LBAAS_TOKENS_FILE).
const { randomBytes, randomUUID } = require('node:crypto');
const { existsSync, writeFileSync } = require('node:fs');

const file = process.argv[2];
if (!file) throw new Error('usage: dev-tokens.js <file>');
if (!existsSync(file)) {
  const entry = (roles) => ({ token: randomBytes(24).toString('hex'), tenant_id: randomUUID().replace(/-/g, ''), roles });
  // member for Neutron's v1 and load-balancer_member for Octavia's v2, where member alone is refused.
  const tenant = ['member', 'load-balancer_member'];
  const tokens = { admin: entry(['admin']), demo: entry(tenant), other: entry(tenant) };
  writeFileSync(file, JSON.stringify(tokens, null, 2) + '\n', { mode: 0o600 });
}
