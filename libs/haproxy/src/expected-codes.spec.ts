import fc from 'fast-check';
import { expectedCodesRegex } from './expected-codes';
import { InvalidRenderInput } from './validate';

const ALL_CODES = Array.from({ length: 500 }, (_, i) => 100 + i);
const matching = (codes: string): number[] => {
  const re = new RegExp(expectedCodesRegex(codes));
  return ALL_CODES.filter((c) => re.test(String(c)));
};
const between = (lo: number, hi: number): number[] => ALL_CODES.filter((c) => c >= lo && c <= hi);

describe('expectedCodesRegex', () => {
  it.each([
    ['200', '^200$'],
    ['200,202', '^(200|202)$'],
    ['202, 200,200', '^(200|202)$'],
    ['200-204', '^20[0-4]$'],
    ['200-299', '^2[0-9][0-9]$'],
    ['200-200', '^200$'],
    ['100-599', '^[1-5][0-9][0-9]$'],
    ['150-420', '^(1[5-9][0-9]|[2-3][0-9][0-9]|4[0-1][0-9]|420)$'],
  ])('%s is %s', (codes, regex) => expect(expectedCodesRegex(codes)).toBe(regex));

  it.each([
    ['200', [200]],
    ['200,202', [200, 202]],
    ['200, 202, 301', [200, 202, 301]],
    ['404,404', [404]],
    ['599,100', [100, 599]],
  ])('the list %s matches exactly %j of 100..599', (codes, expected) => expect(matching(codes)).toEqual(expected));

  // Every range whose ends are digit boundaries, where range-to-regex splits go wrong.
  const EDGES = [
    100, 101, 109, 110, 119, 189, 190, 199, 200, 201, 204, 209, 210, 250, 289, 290, 299, 300, 301, 399, 400, 404, 409, 499, 500, 501, 509,
    590, 598, 599,
  ];
  const EDGE_RANGES = EDGES.flatMap((lo) => EDGES.filter((hi) => hi >= lo).map((hi) => [lo, hi] as const));
  it(`each of ${EDGE_RANGES.length} ranges between digit boundaries matches exactly its codes of 100..599`, () => {
    for (const [lo, hi] of EDGE_RANGES) expect({ lo, hi, codes: matching(`${lo}-${hi}`) }).toEqual({ lo, hi, codes: between(lo, hi) });
  });

  it('a random range or list matches exactly its codes of 100..599', () => {
    const code = fc.integer({ min: 100, max: 599 });
    fc.assert(
      fc.property(code, code, (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(matching(`${lo}-${hi}`)).toEqual(between(lo, hi));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.array(code, { minLength: 1, maxLength: 8 }), (codes) => {
        expect(matching(codes.join(','))).toEqual([...new Set(codes)].sort((x, y) => x - y));
      }),
      { numRuns: 200 },
    );
  });

  it('is anchored: longer, shorter or prefixed strings never match', () => {
    for (const codes of ['200', '200,201', '200-204', '100-599']) {
      const re = new RegExp(expectedCodesRegex(codes));
      for (const s of ['2000', 'x200', '2010', '20', '200 ', ' 200', '1000']) expect(re.test(s)).toBe(false);
    }
  });

  it.each(['', '99', '600', '200-', '204-200', '200-204,300', '2xx', '200;201', '200\n', '200 201', ' 200'])('refuses %j', (codes) => {
    expect(() => expectedCodesRegex(codes)).toThrow(InvalidRenderInput);
  });
});
