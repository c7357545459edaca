#!/usr/bin/env node
// Brings a bootstrapped Keystone (scripts/keystone.sh init) to what the project expects, over its
// REST API as the bootstrap admin; used by `make up KEYSTONE=1` and libs/testing's startKeystone.
//
//   node scripts/keystone-seed.js DIR URL [--api-url URL] [--octavia-url URL]
//
// DIR is the state directory (its passwords.json holds admin's password), URL Keystone's base URL
// without /v3. It ensures, creating only what is missing and correcting only what differs, so it
// can run again on the same Keystone (another port, another api URL):
// - the identity endpoints at URL/v3;
// - roles service and Octavia's load-balancer_* roles; projects service, demo and other;
// - users lbaas (service on service), demo (member on demo), demo-reader (reader on demo) and
//   other (member on other), and one user per persona of Octavia's policy: lb-member,
//   lb-observer, lb-global-observer and lb-admin (load-balancer_<role> on demo) and
//   other-lb-member (load-balancer_member on other), with generated passwords kept in
//   DIR/passwords.json;
// - service neutron (type network) at --api-url, service octavia (type load-balancer) at
//   --octavia-url, each with public, internal and admin endpoints in RegionOne;
// then writes DIR/service-password (lbaas's password) and DIR/clouds.yaml (a cloud per user), all
// 0600, and prints the ids of the projects and users as one JSON line.
'use strict';
const { randomBytes } = require('node:crypto');
const { readFileSync, writeFileSync, renameSync } = require('node:fs');
const { join } = require('node:path');

const REGION = 'RegionOne';
const DOMAIN = 'default';
const INTERFACES = ['public', 'internal', 'admin'];
const ROLES = [
  'service',
  'load-balancer_observer',
  'load-balancer_global_observer',
  'load-balancer_member',
  'load-balancer_quota_admin',
  'load-balancer_admin',
];
const PROJECTS = ['service', 'demo', 'other'];
// user: [project, role]
const USERS = {
  lbaas: ['service', 'service'],
  demo: ['demo', 'member'],
  'demo-reader': ['demo', 'reader'],
  other: ['other', 'member'],
  // Octavia's personas: its load-balancer_* roles alone, without member or reader beside them.
  'lb-member': ['demo', 'load-balancer_member'],
  'lb-observer': ['demo', 'load-balancer_observer'],
  'lb-global-observer': ['demo', 'load-balancer_global_observer'],
  'lb-admin': ['demo', 'load-balancer_admin'],
  'other-lb-member': ['other', 'load-balancer_member'],
};
// clouds.yaml: cloud name, user, project
const CLOUDS = [
  ['lbaas-admin', 'admin', 'admin'],
  ['lbaas-demo', 'demo', 'demo'],
  ['lbaas-demo-reader', 'demo-reader', 'demo'],
  ['lbaas-other', 'other', 'other'],
  ['lbaas-lb-member', 'lb-member', 'demo'],
  ['lbaas-lb-observer', 'lb-observer', 'demo'],
  ['lbaas-lb-global-observer', 'lb-global-observer', 'demo'],
  ['lbaas-lb-admin', 'lb-admin', 'demo'],
  ['lbaas-other-lb-member', 'other-lb-member', 'other'],
];
// A bound for a loaded machine, where requests queue for the three workers; a request takes well under a second.
const REQUEST_TIMEOUT_MS = 60_000;

function parseArguments(argv) {
  const positional = [];
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const match = /^--(api-url|octavia-url)$/.exec(argv[i]);
    if (!match) positional.push(argv[i]);
    else if (i + 1 < argv.length) options[match[1]] = argv[++i].replace(/\/+$/, '');
    else throw new Error(`${argv[i]} needs a URL`);
  }
  if (positional.length !== 2) throw new Error('usage: keystone-seed.js DIR URL [--api-url URL] [--octavia-url URL]');
  return { dir: positional[0], url: positional[1].replace(/\/+$/, ''), apiUrl: options['api-url'], octaviaUrl: options['octavia-url'] };
}

const passwordsFile = (dir) => join(dir, 'passwords.json');

/** Writes a file readable by its owner only, whole or not at all. */
function writeSecret(path, text) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}

function keystoneClient(url) {
  let token;
  let renewal; // the sign-in under way, shared by every call that met an expired token
  const attempt = (method, path, body, authToken) =>
    fetch(`${url}/v3${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...(authToken ? { 'X-Auth-Token': authToken } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  // A connection closed without an answer (seen a few times on a loaded machine) is tried once
  // more when repeating the request is harmless: anything but a POST that creates.
  const send = (method, path, body, authToken) =>
    attempt(method, path, body, authToken).catch((error) => {
      const repeatable = method !== 'POST' || path === '/auth/tokens';
      if (!repeatable || !connectionLost(error)) throw error;
      return attempt(method, path, body, authToken);
    });
  const check = async (method, path, response) => {
    const text = await response.text();
    if (!response.ok) {
      let message = text.slice(0, 300);
      try {
        message = JSON.parse(text).error.message;
      } catch {
        // not Keystone's error document: the start of the body says what answered instead
      }
      throw new Error(`Keystone answered ${method} /v3${path} with ${response.status}: ${message}`);
    }
    return { response, body: text ? JSON.parse(text) : undefined };
  };
  const signIn = async (password) => {
    const auth = {
      identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: DOMAIN }, password } } },
      scope: { project: { name: 'admin', domain: { id: DOMAIN } } },
    };
    const { response, body } = await check('POST', '/auth/tokens', await send('POST', '/auth/tokens', { auth }));
    token = response.headers.get('x-subject-token');
    return body.token;
  };
  let adminPassword;
  return {
    async call(method, path, body) {
      const used = token;
      let response = await send(method, path, body, used);
      // A Keystone configured with short-lived tokens (a test's) can expire admin's during the seed.
      if (response.status === 401) {
        await response.text();
        if (token === used) renewal ??= signIn(adminPassword).finally(() => (renewal = undefined));
        await renewal;
        response = await send(method, path, body, token);
      }
      return check(method, path, response);
    },
    /** Signs in as the bootstrap admin; the token document carries the catalog and admin's ids. */
    signIn(password) {
      adminPassword = password;
      return signIn(password);
    },
  };
}

/** A service of `type` in `catalog` (the admin token's) with public, internal and admin endpoints at `url` in RegionOne. */
async function ensureService(keystone, catalog, name, type, url) {
  const existing = catalog.find((service) => service.type === type);
  const serviceId = existing?.id ?? (await keystone.call('POST', '/services', { service: { name, type, enabled: true } })).body.service.id;
  await Promise.all(
    INTERFACES.map((iface) => {
      const endpoint = existing?.endpoints.find((e) => e.interface === iface && e.region_id === REGION);
      if (!endpoint)
        return keystone.call('POST', '/endpoints', {
          endpoint: { service_id: serviceId, interface: iface, region_id: REGION, url, enabled: true },
        });
      return endpoint.url === url ? undefined : keystone.call('PATCH', `/endpoints/${endpoint.id}`, { endpoint: { url } });
    }),
  );
}

/** The ids of the named objects of one collection, creating those missing (at once), and which it created. */
async function ensureNamed(keystone, collection, singular, names, attributes) {
  const { body } = await keystone.call('GET', `/${collection}`);
  const ids = {};
  const created = new Set();
  for (const existing of body[collection]) if (names.includes(existing.name)) ids[existing.name] = existing.id;
  await Promise.all(
    names
      .filter((name) => !ids[name])
      .map(async (name) => {
        ids[name] = (await keystone.call('POST', `/${collection}`, { [singular]: { name, ...attributes(name) } })).body[singular].id;
        created.add(name);
      }),
  );
  return { ids, created };
}

const yamlString = (value) => JSON.stringify(value); // a JSON string is a valid YAML scalar

function cloudsYaml(url, passwords) {
  const lines = ['clouds:'];
  for (const [cloud, user, project] of CLOUDS) {
    lines.push(
      `  ${cloud}:`,
      '    auth:',
      `      auth_url: ${yamlString(`${url}/v3`)}`,
      `      username: ${yamlString(user)}`,
      `      password: ${yamlString(passwords[user])}`,
      `      project_name: ${yamlString(project)}`,
      '      user_domain_name: Default',
      '      project_domain_name: Default',
      `    region_name: ${REGION}`,
      '    identity_api_version: 3',
      '    interface: public',
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The projects' and users' ids when every assignment of USERS exists already (a seeded Keystone,
 * the common case: one request instead of one per collection), else undefined.
 */
function idsFromAssignments(assignments) {
  const projects = {};
  const users = {};
  for (const [user, [project, role]] of Object.entries(USERS)) {
    const found = assignments.find((a) => a.user?.name === user && a.scope.project?.name === project && a.role.name === role);
    if (!found) return undefined;
    users[user] = found.user.id;
    projects[project] = found.scope.project.id;
  }
  return { projects, users };
}

/** Creates the projects, users and role assignments of USERS that are missing; their ids. */
async function ensureUsers(keystone, dir, passwords, roles) {
  // The passwords are saved before the users are made, so an interrupted seed loses none.
  const known = new Set(Object.keys(passwords));
  for (const user of Object.keys(USERS)) passwords[user] ??= randomBytes(18).toString('base64url');
  writeSecret(passwordsFile(dir), `${JSON.stringify(passwords, null, 2)}\n`);
  const projects = (await ensureNamed(keystone, 'projects', 'project', PROJECTS, () => ({ domain_id: DOMAIN, enabled: true }))).ids;
  const { ids: users, created } = await ensureNamed(keystone, 'users', 'user', Object.keys(USERS), (user) => ({
    domain_id: DOMAIN,
    enabled: true,
    default_project_id: projects[USERS[user][0]],
    password: passwords[user],
  }));
  await Promise.all(
    Object.entries(USERS).map(async ([user, [project, role]]) => {
      // A user made by someone else, whose password the file did not have, gets the one it has now.
      if (!known.has(user) && !created.has(user))
        await keystone.call('PATCH', `/users/${users[user]}`, { user: { password: passwords[user] } });
      await keystone.call('PUT', `/projects/${projects[project]}/users/${users[user]}/roles/${roles[role]}`);
    }),
  );
  return { projects, users };
}

async function seed({ dir, url, apiUrl, octaviaUrl }) {
  const passwords = JSON.parse(readFileSync(passwordsFile(dir), 'utf8'));
  const keystone = keystoneClient(url);
  const admin = await keystone.signIn(passwords.admin);

  const [, , , assignments, roles] = await Promise.all([
    ensureService(keystone, admin.catalog, 'keystone', 'identity', `${url}/v3`),
    apiUrl && ensureService(keystone, admin.catalog, 'neutron', 'network', apiUrl),
    octaviaUrl && ensureService(keystone, admin.catalog, 'octavia', 'load-balancer', octaviaUrl),
    keystone.call('GET', '/role_assignments?include_names=true').then(({ body }) => body.role_assignments),
    ensureNamed(keystone, 'roles', 'role', [...ROLES, 'member', 'reader'], () => ({})).then(({ ids }) => ids),
  ]);
  const passwordsKnown = Object.keys(USERS).every((user) => passwords[user]);
  const ids = (passwordsKnown && idsFromAssignments(assignments)) || (await ensureUsers(keystone, dir, passwords, roles));

  writeSecret(join(dir, 'service-password'), passwords.lbaas);
  writeSecret(join(dir, 'clouds.yaml'), cloudsYaml(url, passwords));
  return { projects: { admin: admin.project.id, ...ids.projects }, users: { admin: admin.user.id, ...ids.users } };
}

/** A connection Keystone closed without an answer (seen on a loaded machine), as opposed to an answer that refuses. */
const connectionLost = (error) => ['UND_ERR_SOCKET', 'ECONNRESET'].includes(error.cause?.code);

/** Every step finds what exists before it creates, so the whole seed may run again after a lost connection, once. */
async function seedOnce(options) {
  try {
    return await seed(options);
  } catch (error) {
    if (!connectionLost(error)) throw error;
    console.error(`keystone-seed: ${error.message} (${error.cause.code}); seeding again`);
    return seed(options);
  }
}

seedOnce(parseArguments(process.argv.slice(2))).then(
  (ids) => console.log(JSON.stringify(ids)),
  (error) => {
    console.error(`keystone-seed: ${error.message}${error.cause ? ` (${error.cause.code ?? error.cause.message})` : ''}`);
    process.exit(1);
  },
);
