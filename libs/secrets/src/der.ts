/**
 * Just enough DER to read a certificate revocation list (RFC 5280 section 5): definite lengths,
 * single-byte tags, and the string and time types of names and validity. Node's crypto reads
 * certificates but not CRLs; everything here is bounds-checked, so hostile bytes end in DerError.
 */

export class DerError extends Error {}

/** ASN.1 universal tags this reader names. */
export const TAG = {
  integer: 0x02,
  bitString: 0x03,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  t61String: 0x14,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  bmpString: 0x1e,
  sequence: 0x30,
  set: 0x31,
  /** [0] EXPLICIT, constructed: the CRL's extensions. */
  context0: 0xa0,
} as const;

/** One element: its tag and where its content lies in the buffer. */
export interface Der {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

/** The element at `at`, which must end by `limit`. */
export function readDer(bytes: Buffer, at: number, limit: number): Der {
  if (at + 2 > limit) throw new DerError(`an element at byte ${at} is cut short`);
  const tag = bytes[at];
  // High tag numbers (low five bits all set) appear nowhere in a CRL.
  if ((tag & 0x1f) === 0x1f) throw new DerError(`an element at byte ${at} has a multi-byte tag`);
  const first = bytes[at + 1];
  let length = first;
  let contentStart = at + 2;
  if (first & 0x80) {
    const octets = first & 0x7f;
    if (octets === 0) throw new DerError(`an element at byte ${at} has an indefinite length, which DER forbids`);
    if (octets > 4) throw new DerError(`an element at byte ${at} is longer than this reader takes`);
    if (contentStart + octets > limit) throw new DerError(`the length of an element at byte ${at} is cut short`);
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + bytes[contentStart + i];
    contentStart += octets;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerError(`an element at byte ${at} claims ${length} bytes, more than it holds`);
  return { tag, start: at, contentStart, end };
}

/** The elements inside a constructed one, which must fill it exactly. */
export function childrenOf(bytes: Buffer, parent: Der): Der[] {
  const children: Der[] = [];
  for (let at = parent.contentStart; at < parent.end;) {
    const child = readDer(bytes, at, parent.end);
    children.push(child);
    at = child.end;
  }
  return children;
}

/** The only element of `bytes`, with nothing after it. */
export function readWhole(bytes: Buffer): Der {
  const element = readDer(bytes, 0, bytes.length);
  if (element.end !== bytes.length) throw new DerError(`${bytes.length - element.end} bytes follow the element`);
  return element;
}

export const contentOf = (bytes: Buffer, element: Der): Buffer => bytes.subarray(element.contentStart, element.end);

/** A dotted object identifier. */
export function oidOf(bytes: Buffer, element: Der): string {
  const content = contentOf(bytes, element);
  if (element.tag !== TAG.oid || content.length === 0) throw new DerError('an object identifier is malformed');
  const arcs: number[] = [];
  let value = 0;
  for (const byte of content) {
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new DerError('an object identifier has an arc too large');
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    }
  }
  if (content[content.length - 1] & 0x80) throw new DerError('an object identifier is cut short');
  const [first, ...rest] = arcs;
  const top = first < 80 ? Math.floor(first / 40) : 2;
  return [top, first - top * 40, ...rest].join('.');
}

/** UTCTime (YYMMDDHHMMSSZ, 1950-2049) or GeneralizedTime (YYYYMMDDHHMMSSZ), as RFC 5280 profiles them. */
export function timeOf(bytes: Buffer, element: Der): Date {
  const text = contentOf(bytes, element).toString('latin1');
  const match =
    element.tag === TAG.utcTime
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : element.tag === TAG.generalizedTime
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : null;
  if (match === null) throw new DerError('a time is neither a UTCTime nor a GeneralizedTime in UTC');
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const fullYear = element.tag === TAG.utcTime ? (year < 50 ? 2000 + year : 1900 + year) : year;
  const date = new Date(Date.UTC(fullYear, month - 1, day, hour, minute, second));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59)
    throw new DerError(`the time ${text} is not a date`);
  return date;
}

/** The text of a directory string; BMPString is UTF-16 big-endian. */
export function stringOf(bytes: Buffer, element: Der): string {
  const content = contentOf(bytes, element);
  switch (element.tag) {
    case TAG.utf8String:
      return content.toString('utf8');
    case TAG.printableString:
    case TAG.ia5String:
    case TAG.t61String:
      return content.toString('latin1');
    case TAG.bmpString: {
      if (content.length % 2 !== 0) throw new DerError('a BMPString has an odd length');
      const swapped = Buffer.from(content);
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    default:
      throw new DerError(`a name holds a value of tag ${element.tag}, which is no string type`);
  }
}
