/**
 * A value as one haproxy.cfg word: double-quoted, with every character the parser would read
 * another way escaped (backslash, double quote, `$` of environment expansion, `#` of comments).
 * Control characters cannot be escaped into meaning nothing, so they are refused: the domain
 * refused them already, this is the second wall.
 */
export function haproxyQuoted(value: string): string {
  if (/[\x00-\x1f\x7f]/.test(value)) throw new Error('a control character cannot reach haproxy.cfg');
  return `"${value.replace(/[\\"$#]/g, (c) => `\\${c}`)}"`;
}
