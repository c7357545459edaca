import { validateExpectedCodes } from './validate';

const digitClass = (from: number, to: number): string => (from === to ? String(from) : `[${from}-${to}]`);

/**
 * Alternatives matching exactly the numbers from `lo` to `hi`, both written with the same number
 * of digits: the usual split into a ragged low end, full middle blocks and a ragged high end.
 */
function sameLengthRange(lo: string, hi: string): string[] {
  if (lo === hi) return [lo];
  const [loHead, hiHead] = [Number(lo[0]), Number(hi[0])];
  const [loRest, hiRest] = [lo.slice(1), hi.slice(1)];
  if (loHead === hiHead) return sameLengthRange(loRest, hiRest).map((p) => `${loHead}${p}`);
  const anyDigits = '[0-9]'.repeat(loRest.length);
  const lowIsFull = /^0*$/.test(loRest);
  const highIsFull = /^9*$/.test(hiRest);
  const middleFrom = lowIsFull ? loHead : loHead + 1;
  const middleTo = highIsFull ? hiHead : hiHead - 1;
  return [
    ...(lowIsFull ? [] : sameLengthRange(loRest, '9'.repeat(loRest.length)).map((p) => `${loHead}${p}`)),
    ...(middleFrom <= middleTo ? [`${digitClass(middleFrom, middleTo)}${anyDigits}`] : []),
    ...(highIsFull ? [] : sameLengthRange('0'.repeat(hiRest.length), hiRest).map((p) => `${hiHead}${p}`)),
  ];
}

/**
 * Neutron's expected_codes (`200`, `200,202`, `200-204`) as the anchored regular expression of
 * `http-check expect rstatus`, matching exactly those status codes. Only `[0-9]` classes and
 * alternation are used, so PCRE and POSIX regex builds of HAProxy read it alike. A list is
 * sorted and deduplicated, so equal sets give equal files. Throws InvalidRenderInput for
 * anything else.
 */
export function expectedCodesRegex(codes: string): string {
  validateExpectedCodes(codes, 'expectedCodes');
  const range = /^([0-9]{3})-([0-9]{3})$/.exec(codes);
  const alternatives = range ? sameLengthRange(range[1], range[2]) : [...new Set(codes.split(',').map((c) => c.trim()))].sort();
  return alternatives.length === 1 ? `^${alternatives[0]}$` : `^(${alternatives.join('|')})$`;
}
