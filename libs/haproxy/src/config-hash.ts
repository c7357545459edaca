import { createHash } from 'node:crypto';

/** The name a rendered file is stored under and referred to by in events: sha256, hex. */
export const configHash = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
