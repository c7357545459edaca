import { cellText, pythonJson, renderTable } from './table';

describe('cellText', () => {
  it.each([
    [true, 'True'],
    [false, 'False'],
    [null, ''],
    [undefined, ''],
    [80, '80'],
    ['PENDING_CREATE', 'PENDING_CREATE'],
    [[], ''],
    [['a', 'b'], 'a\nb'],
    [[{ start: '198.18.1.2', end: '198.18.1.254' }], '{"start": "198.18.1.2", "end": "198.18.1.254"}'],
    [{ type: 'APP_COOKIE', cookie_name: 'sid' }, '{"type": "APP_COOKIE", "cookie_name": "sid"}'],
  ])('shows %j as %j', (value, text) => {
    expect(cellText(value)).toBe(text);
  });
});

describe('pythonJson', () => {
  it('writes nested values with Python separators', () => {
    expect(pythonJson({ a: [1, null, true], b: { c: 'x' } })).toBe('{"a": [1, null, true], "b": {"c": "x"}}');
  });
});

describe('renderTable', () => {
  it('draws a boxed table sized to its widest cells', () => {
    expect(
      renderTable(
        ['Field', 'Value'],
        [
          ['name', 'mypool'],
          ['admin_state_up', 'True'],
        ],
      ),
    ).toBe(
      [
        '+----------------+--------+',
        '| Field          | Value  |',
        '+----------------+--------+',
        '| name           | mypool |',
        '| admin_state_up | True   |',
        '+----------------+--------+',
      ].join('\n'),
    );
  });

  it('spreads a cell of several lines over several text lines of one row', () => {
    expect(
      renderTable(
        ['Field', 'Value'],
        [
          ['members', 'm1\nm2'],
          ['name', 'p'],
        ],
      ),
    ).toBe(
      [
        '+---------+-------+',
        '| Field   | Value |',
        '+---------+-------+',
        '| members | m1    |',
        '|         | m2    |',
        '| name    | p     |',
        '+---------+-------+',
      ].join('\n'),
    );
  });

  it('draws only the headers when there are no rows', () => {
    expect(renderTable(['id'], [])).toBe(['+----+', '| id |', '+----+', '+----+'].join('\n'));
  });
});
