import { UsageError } from './cli-errors';
import { Output, renderList, renderResource } from './output';

const POOL = { name: 'mypool', id: 'p1', admin_state_up: true, members: ['m1', 'm2'], vip_id: null };

describe('renderResource', () => {
  it('shows the fields sorted in a Field | Value table', () => {
    expect(renderResource(POOL, 'table')).toBe(
      [
        '+----------------+--------+',
        '| Field          | Value  |',
        '+----------------+--------+',
        '| admin_state_up | True   |',
        '| id             | p1     |',
        '| members        | m1     |',
        '|                | m2     |',
        '| name           | mypool |',
        '| vip_id         |        |',
        '+----------------+--------+',
      ].join('\n'),
    );
  });

  it('writes JSON with the raw values', () => {
    expect(JSON.parse(renderResource(POOL, 'json'))).toEqual(POOL);
  });

  it('keeps the columns asked for, in their order', () => {
    expect(renderResource(POOL, 'value', ['name', 'id'])).toBe('mypool\np1');
    expect(JSON.parse(renderResource(POOL, 'json', ['id', 'nosuch']))).toEqual({ id: 'p1' });
  });

  it('rejects columns of which none exists', () => {
    expect(() => renderResource(POOL, 'table', ['nosuch'])).toThrow(new UsageError("No recognized column names in 'nosuch'"));
  });

  it('never prints a private key, even one an answer carried or -c asked for', () => {
    const certificate = { id: 'c1', name: 'www', private_key: '-----BEGIN PRIVATE KEY-----' };
    for (const format of ['table', 'json', 'value'] as const) expect(renderResource(certificate, format)).not.toContain('PRIVATE KEY');
    expect(JSON.parse(renderResource(certificate, 'json', ['id', 'private_key']))).toEqual({ id: 'c1' });
    expect(() => renderResource(certificate, 'value', ['private_key'])).toThrow(UsageError);
    expect(JSON.parse(renderList([certificate], 'json', ['id'], ['id', 'private_key']))).toEqual([{ id: 'c1' }]);
  });
});

describe('renderList', () => {
  const rows = [
    { id: 'n1', name: 'vipnet', subnets: ['s1'], shared: false },
    { id: 'n2', name: 'poolnet', subnets: [], shared: false },
  ];

  it('shows the default columns in a table', () => {
    expect(renderList(rows, 'table', ['id', 'name'])).toBe(
      ['+----+---------+', '| id | name    |', '+----+---------+', '| n1 | vipnet  |', '| n2 | poolnet |', '+----+---------+'].join('\n'),
    );
  });

  it('prints nothing for an empty list in a table, and [] in JSON', () => {
    expect(renderList([], 'table', ['id'])).toBe('');
    expect(renderList([], 'json', ['id'])).toBe('[]');
  });

  it('writes JSON objects of the columns with raw values, null for an absent field', () => {
    expect(JSON.parse(renderList(rows, 'json', ['id', 'subnets', 'nosuch']))).toEqual([
      { id: 'n1', subnets: ['s1'], nosuch: null },
      { id: 'n2', subnets: [], nosuch: null },
    ]);
  });

  it('lets -c pick other columns, and the value format print a row a line', () => {
    expect(renderList(rows, 'value', ['id', 'name'], ['name', 'shared'])).toBe('vipnet False\npoolnet False');
  });

  it('shows a friendlier text in table and value formats only', () => {
    const shown = (row: Record<string, unknown>, column: string) => (column === 'subnets' ? ['s1 198.18.1.0/24'] : row[column]);
    expect(renderList(rows.slice(0, 1), 'value', ['id', 'subnets'], [], shown)).toBe('n1 s1 198.18.1.0/24');
    expect(JSON.parse(renderList(rows.slice(0, 1), 'json', ['id', 'subnets'], [], shown))).toEqual([{ id: 'n1', subnets: ['s1'] }]);
  });
});

describe('Output', () => {
  function capture(format: 'table' | 'json' | 'value') {
    const stdout: string[] = [];
    const stderr: string[] = [];
    return {
      out: new Output(
        format,
        [],
        (t) => stdout.push(t),
        (t) => stderr.push(t),
      ),
      stdout,
      stderr,
    };
  }

  it('puts the heading above a table only, so that JSON stays parseable', () => {
    const table = capture('table');
    table.out.resource({ id: 'p1' }, 'Created a new pool:');
    expect(table.stdout[0]).toBe('Created a new pool:\n');
    const json = capture('json');
    json.out.resource({ id: 'p1' }, 'Created a new pool:');
    expect(JSON.parse(json.stdout.join(''))).toEqual({ id: 'p1' });
  });

  it('writes notes to stderr and messages to stdout', () => {
    const { out, stdout, stderr } = capture('table');
    out.message('Deleted pool: mypool');
    out.note('No CIDR given');
    expect({ stdout, stderr }).toEqual({ stdout: ['Deleted pool: mypool\n'], stderr: ['No CIDR given\n'] });
  });

  it('rewrites a progress line on a terminal and prints a line per call elsewhere', () => {
    const { out, stderr } = capture('table');
    out.progress('PENDING_CREATE', false, true);
    out.progress('', true, true);
    out.progress('PENDING_CREATE', false, false);
    expect(stderr).toEqual(['\r\x1b[KPENDING_CREATE', '\r\x1b[K\n', 'PENDING_CREATE\n']);
  });
});
