import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it.each([
    {
      desc: 'sorts keys at every depth',
      value: { b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } },
      text: '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    },
    { desc: 'keeps array order', value: [3, 1, 2], text: '[3,1,2]' },
    { desc: 'leaves out undefined members, as JSON.stringify does', value: { a: undefined, b: 'x' }, text: '{"b":"x"}' },
    { desc: 'escapes strings as JSON', value: { 'k"': 'line\nbreak' }, text: '{"k\\"":"line\\nbreak"}' },
  ])('$desc', ({ value, text }) => {
    expect(canonicalJson(value)).toBe(text);
  });

  it('gives the same text for the same value built in another key order', () => {
    expect(canonicalJson({ x: 1, y: { p: true, q: false } })).toBe(canonicalJson({ y: { q: false, p: true }, x: 1 }));
  });
});
