#!/usr/bin/env node
// Writes, once, a NATS user and password for every service and the server configuration that
// knows them (docker-compose.yml runs it before nats-server; see docs/ARCHITECTURE.md section 8):
//   <dir>/server/nats.conf, <dir>/server/users.conf   for nats-server
//   <dir>/<user>/password                            for that service alone (a volume subpath)
// Services that only read the log may not publish on the event subjects: appending is the api's,
// the scheduler's, the config renderer's and the node agents' work.
const { randomBytes } = require('node:crypto');
const { existsSync, mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.argv[2];
if (!dir) throw new Error('usage: nats-credentials.js <dir>');
const READERS = ['projections', 'audit', 'dashboard'];
const WRITERS = ['api', 'scheduler', 'config-renderer', 'compute-node-1', 'compute-node-2', 'compute-node-3', 'operator'];

if (!existsSync(join(dir, 'server', 'users.conf'))) {
  const users = [];
  for (const user of [...WRITERS, ...READERS]) {
    const password = randomBytes(24).toString('hex');
    mkdirSync(join(dir, user), { recursive: true });
    writeFileSync(join(dir, user, 'password'), `${password}\n`, { mode: 0o600 });
    const permissions = READERS.includes(user) ? ', permissions: { publish: { deny: ["lbaas.events.>"] } }' : '';
    users.push(`    { user: "${user}", password: "${password}"${permissions} }`);
  }
  mkdirSync(join(dir, 'server'), { recursive: true });
  writeFileSync(join(dir, 'server', 'users.conf'), `authorization {\n  users: [\n${users.join('\n')}\n  ]\n}\n`, { mode: 0o600 });
  writeFileSync(
    join(dir, 'server', 'nats.conf'),
    ['server_name: lb-nats', 'listen: 0.0.0.0:4222', 'jetstream { store_dir: "/data" }', 'include ./users.conf', ''].join('\n'),
    { mode: 0o600 },
  );
}
