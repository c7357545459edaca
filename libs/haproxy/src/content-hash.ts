import { createHash } from 'node:crypto';

/** The name a rendered file is stored under and referred to by in events: sha256 of its UTF-8 bytes, hex. */
export const contentHash = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
