import { expectedCodesRegex } from './status-code-regex';

const matching = (codes: string) => {
  const re = new RegExp(expectedCodesRegex(codes));
  return Array.from({ length: 500 }, (_, i) => 100 + i).filter((c) => re.test(String(c)));
};

describe('expected_codes as an rstatus regex', () => {
  it.each([
    ['200', [200]],
    ['200,202', [200, 202]],
    ['200, 202, 301', [200, 202, 301]],
    ['200-204', [200, 201, 202, 203, 204]],
    ['200-200', [200]],
    ['404,404', [404]],
  ])('%s matches exactly %j of 100..599', (codes, expected) => expect(matching(codes)).toEqual(expected));

  it('matches exactly a wide range', () => expect(matching('200-299')).toEqual(Array.from({ length: 100 }, (_, i) => 200 + i)));

  it('anchors, so 2000 or x200 never match', () => {
    const re = new RegExp(expectedCodesRegex('200,201'));
    for (const s of ['2000', 'x200', '2010', '20']) expect(re.test(s)).toBe(false);
  });
});
