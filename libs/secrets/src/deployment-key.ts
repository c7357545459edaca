import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const KEY = /^[0-9a-f]{64}$/;

const isErrorCode = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;

function readKeyFile(path: string): Buffer {
  const key = readFileSync(path, 'utf8').trim();
  if (!KEY.test(key)) throw new Error(`${path} must hold 64 hexadecimal characters (32 bytes)`);
  return Buffer.from(key, 'hex');
}

/**
 * The deployment key: 32 random bytes (64 hex characters) in a file of mode 0600, created on
 * first use. Services that start together may all create it: one wins and every one reads its key.
 */
export function deploymentKey(path: string): Buffer {
  try {
    return readKeyFile(path);
  } catch (error) {
    if (!isErrorCode(error, 'ENOENT')) throw error;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Written in full under another name, then linked: a concurrent reader never sees a half-written key.
  const draft = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}`);
  writeFileSync(draft, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(draft, path);
  } catch (error) {
    if (!isErrorCode(error, 'EEXIST')) throw error;
  } finally {
    unlinkSync(draft);
  }
  return readKeyFile(path);
}
