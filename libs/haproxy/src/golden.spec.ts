import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseHaproxyInput, baseKeepalivedInput, KEEPALIVED_CASES } from './golden-cases';
import { HAPROXY_CASES } from './golden-cases-l7';
import { renderHaproxyConfig } from './render-haproxy';
import { renderKeepalivedConfig } from './render-keepalived';

const GOLDEN = join(__dirname, 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

function compare(name: string, text: string): void {
  const path = join(GOLDEN, name);
  if (update || !existsSync(path)) writeFileSync(path, text);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

describe('golden configuration files (UPDATE_GOLDEN=1 rewrites them; review the diff by hand)', () => {
  it.each(Object.keys(HAPROXY_CASES))('haproxy.cfg: %s', (name) =>
    compare(`${name}.haproxy.cfg`, renderHaproxyConfig(HAPROXY_CASES[name](baseHaproxyInput()))),
  );
  it.each(Object.keys(KEEPALIVED_CASES))('keepalived.conf: %s', (name) =>
    compare(`${name}.keepalived.conf`, renderKeepalivedConfig(KEEPALIVED_CASES[name](baseKeepalivedInput()))),
  );

  it('has no golden file without a case, so a removed case leaves nothing stale behind', () => {
    const expected = [
      ...Object.keys(HAPROXY_CASES).map((n) => `${n}.haproxy.cfg`),
      ...Object.keys(KEEPALIVED_CASES).map((n) => `${n}.keepalived.conf`),
    ];
    expect(readdirSync(GOLDEN).sort()).toEqual(expected.sort());
  });
});
