import { ValidationError } from '@lbaas/domain';

/** What one PEM field may weigh: a leaf with a long chain, a CA bundle or a revocation list fits in a few KiB. */
export const MAX_PEM_BYTES = 64 * 1024;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
const PEM_BEGIN = /-----BEGIN /g;
const BASE64_BODY = /^[A-Za-z0-9+/=\s]*$/;

export const badCertificate = (reason: string) =>
  new ValidationError(`Invalid input for certificate. Reason: ${reason}.`, 'HTTPBadRequest');
/** Messages quote at most 64 characters of what a client sent. */
export const quoted = (value: string) => `'${value.length > 64 ? `${value.slice(0, 64)}...` : value}'`;

export interface PemBlock {
  readonly label: string;
  /** The whole block, armour included. */
  readonly text: string;
  /** The base64 between the armour lines (no headers: certificates and CRLs have none). */
  readonly body: string;
}

export function pemBlocks(
  pem: string,
  bad: (reason: string) => ValidationError,
  maxBlocks: number,
  tooMany: (blocks: number) => string,
): PemBlock[] {
  // Counted before the blocks are matched: each BEGIN costs a scan of the rest of the text.
  const begins = (pem.match(PEM_BEGIN) ?? []).length;
  if (begins > maxBlocks) throw bad(tooMany(begins));
  const blocks = [...pem.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1], text: m[0], body: m[2] }));
  // A BEGIN without its END would otherwise be skipped silently, and a truncated chain accepted.
  if (begins !== blocks.length) throw bad('a PEM block has no -----END line');
  return blocks;
}

/** The DER inside a block, or null when its body is not base64. */
export const derOf = (block: PemBlock): Buffer | null =>
  BASE64_BODY.test(block.body) ? Buffer.from(block.body.replace(/\s+/g, ''), 'base64') : null;

/** The size check every PEM field gets before it is read. */
export function checkPemSize(pem: string): void {
  const bytes = Buffer.byteLength(pem, 'utf8');
  if (bytes > MAX_PEM_BYTES) throw badCertificate(`it is ${bytes} bytes, more than the ${MAX_PEM_BYTES} allowed`);
}

/** A DER element in PEM armour, 64 base64 characters a line, as OpenSSL writes it. */
export function pemOf(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
