import { join } from 'node:path';
import { eventCatalogueDocument } from './event-catalogue-document';
import { eventCataloguePage } from './event-catalogue-page';

const DOCS = join(__dirname, '..', '..', '..', 'docs');

/** What `npm run asyncapi` writes: the document and the page rendered from it (paths valid from src/ and dist/ alike). */
export function eventCatalogueFiles(): { readonly path: string; readonly text: string }[] {
  const doc = eventCatalogueDocument();
  return [
    { path: join(DOCS, 'asyncapi.json'), text: `${JSON.stringify(doc, null, 2)}\n` },
    { path: join(DOCS, 'events.md'), text: `${eventCataloguePage(doc)}\n` },
  ];
}
