/**
 * Neutron's expected_codes (`200`, `200,202`, `200-204`) as the anchored regular expression
 * of `http-check expect rstatus`. Ranges are listed code by code: at most 500 alternatives,
 * and a list is obviously right where digit-range tricks are easy to get wrong.
 */
export function expectedCodesRegex(expectedCodes: string): string {
  const range = /^([1-5]\d\d)-([1-5]\d\d)$/.exec(expectedCodes.trim());
  const codes = range
    ? Array.from({ length: Math.max(0, Number(range[2]) - Number(range[1]) + 1) }, (_, i) => String(Number(range[1]) + i))
    : expectedCodes.split(',').map((c) => c.trim());
  const unique = [...new Set(codes)];
  return unique.length === 1 ? `^${unique[0]}$` : `^(${unique.join('|')})$`;
}
