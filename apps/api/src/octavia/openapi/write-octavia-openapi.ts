import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { octaviaOpenApiDocument } from './octavia-openapi';

/** Writes docs/openapi-octavia.json (run after a build: `node apps/api/dist/octavia/openapi/write-octavia-openapi.js`). */
const target = process.argv[2] ?? join(__dirname, '..', '..', '..', '..', '..', 'docs', 'openapi-octavia.json');
writeFileSync(target, JSON.stringify(octaviaOpenApiDocument(), null, 2) + '\n');
console.log(`wrote ${target}`);
