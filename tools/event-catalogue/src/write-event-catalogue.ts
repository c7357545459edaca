import { writeFileSync } from 'node:fs';
import { eventCatalogueFiles } from './event-catalogue-files';

/** Writes docs/asyncapi.json and docs/events.md (run after a build: `npm run asyncapi`). */
for (const file of eventCatalogueFiles()) {
  writeFileSync(file.path, file.text);
  console.log(`wrote ${file.path}`);
}
