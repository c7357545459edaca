import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocument } from './openapi-document';

/** Writes docs/openapi.json (run after a build: `node apps/api/dist/openapi/write-openapi.js`). */
const target = process.argv[2] ?? join(__dirname, '..', '..', '..', '..', 'docs', 'openapi.json');
writeFileSync(target, JSON.stringify(openApiDocument(), null, 2) + '\n');
console.log(`wrote ${target}`);
