import { haproxyQuoted } from './config-string';
import { checkRegexWithHaproxy } from './regex-check';

const HAPROXY = process.env.LBAAS_HAPROXY_BIN?.trim() || '/usr/sbin/haproxy';

describe('checkRegexWithHaproxy (the real haproxy)', () => {
  it.each(['^/api(/|$)', '^(www|api)\\.lbaas\\.test$', 'a++b', '(?i)^/Admin', '\\A/x\\z', 'x"y', "x'y", 'a$b', 'a${HOME}b', 'a#b', 'a b'])(
    'accepts %s',
    async (regex) => expect(await checkRegexWithHaproxy(HAPROXY, regex)).toEqual({ ok: true }),
  );

  it.each([
    ['(abc', 'missing closing parenthesis (at offset 4)'],
    ['[z-a]', 'range out of order in character class (at offset 3)'],
    ['(?<=a+)b', 'lookbehind assertion is not fixed length (at offset 0)'],
    ['a{2,1}', 'numbers out of order in {} quantifier (at offset 5)'],
  ])('refuses %s with PCRE2 words: %s', async (regex, reason) =>
    expect(await checkRegexWithHaproxy(HAPROXY, regex)).toEqual({ ok: false, reason }),
  );
});

describe('haproxyQuoted', () => {
  it('escapes what the parser would read otherwise and refuses control characters', () => {
    expect(haproxyQuoted('a"b\\c$d#e f')).toBe('"a\\"b\\\\c\\$d\\#e f"');
    expect(() => haproxyQuoted('a\nb')).toThrow('control character');
  });
});
