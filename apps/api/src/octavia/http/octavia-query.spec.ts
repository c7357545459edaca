import { HttpError } from '../../http/errors';
import { filtersOf, MAX_PAGE, octaviaListQuery, pageLinks, pageOf, sortOf, tagFiltersOf } from './octavia-query';

const q = (query: string): URLSearchParams => new URLSearchParams(query);
const MARKER = '0f4d3e4a-6c2b-4a51-9b7e-2d8c1f0a9b31';

describe("Octavia's list query", () => {
  it.each([
    ['', [{ key: 'created_at', dir: 'asc' }]],
    [
      'sort=name:desc,id',
      [
        { key: 'name', dir: 'desc' },
        { key: 'id', dir: 'asc' },
      ],
    ],
    [
      'sort_key=name,created_at&sort_dir=desc',
      [
        { key: 'name', dir: 'desc' },
        { key: 'created_at', dir: 'asc' },
      ],
    ],
    [
      'sort_key=name&sort_key=id&sort_dir=desc&sort_dir=asc',
      [
        { key: 'name', dir: 'desc' },
        { key: 'id', dir: 'asc' },
      ],
    ],
  ])('sorts %p as %p', (query, sort) => {
    expect(sortOf(q(query))).toEqual(sort);
  });

  it.each([
    ['sort=name:up', "Supplied sort direction 'up' is not valid."],
    ['sort=a:b:c', "Supplied sort key 'a:b:c' is not valid."],
    ['sort_key=name&sort_dir=sideways', "Supplied sort direction 'sideways' is not valid."],
  ])('refuses %p', (query, message) => {
    expect(() => sortOf(q(query))).toThrow(new HttpError(400, 'InvalidInput', message));
  });

  it('pages by 1000 without a limit, as Octavia does, and clamps larger limits', () => {
    expect(pageOf(q(''))).toEqual({ limit: MAX_PAGE, marker: null, pageReverse: false });
    expect(pageOf(q('limit=5000'))?.limit).toBe(MAX_PAGE);
    expect(pageOf(q(`limit=2&marker=${MARKER}&page_reverse=True`))).toEqual({ limit: 2, marker: MARKER, pageReverse: true });
  });

  it('reads a limit below 1 as no limit', () => {
    expect(pageOf(q('limit=0'))).toBeUndefined();
    expect(pageOf(q('limit=-1'))).toBeUndefined();
  });

  it.each([
    ['limit=ten', "Supplied pagination limit 'ten' is not valid."],
    ['marker=nope', "Supplied pagination marker 'nope' is not valid."],
  ])('refuses %p', (query, message) => {
    expect(() => pageOf(q(query))).toThrow(message);
  });

  it('splits the tag filters on commas and repeats', () => {
    expect(tagFiltersOf(q('tags=a,b&tags=c&tags-any=d&not-tags=e&not-tags-any=f,g'))).toEqual({
      all: ['a', 'b', 'c'],
      any: ['d'],
      notAll: ['e'],
      notAny: ['f', 'g'],
    });
    expect(tagFiltersOf(q('name=x'))).toBeUndefined();
  });

  it('filters on every other parameter, project_id included, and keeps names like __proto__ as data', () => {
    expect(filtersOf(q('name=a&name=b&project_id=p&limit=2&sort=name&fields=id&tags=t&__proto__=x'))).toEqual({
      name: ['a', 'b'],
      project_id: ['p'],
      ['__proto__']: ['x'],
    });
  });

  it('takes fields repeated or comma-separated', () => {
    expect(octaviaListQuery(q('fields=id,name&fields=tags')).fields).toEqual(['id', 'name', 'tags']);
  });
});

describe("Octavia's page links", () => {
  const url = new URL('http://127.0.0.1:9876/v2/lbaas/loadbalancers?limit=2&sort=name:asc');
  const page = { limit: 2, marker: null, pageReverse: false };

  it('has a next link after a page with more, with the last id as the marker', () => {
    expect(pageLinks(url, page, ['a', 'b'], true)).toEqual([
      { rel: 'next', href: 'http://127.0.0.1:9876/v2/lbaas/loadbalancers?limit=2&sort=name%3Aasc&marker=b' },
    ]);
  });

  it('has a previous link when the page was reached with a marker', () => {
    const links = pageLinks(url, { ...page, marker: MARKER }, ['c', 'd'], false);
    expect(links).toEqual([
      { rel: 'previous', href: 'http://127.0.0.1:9876/v2/lbaas/loadbalancers?limit=2&sort=name%3Aasc&marker=c&page_reverse=True' },
    ]);
  });

  it('has none for an empty page or an unpaged list', () => {
    expect(pageLinks(url, page, [], true)).toEqual([]);
    expect(pageLinks(url, undefined, ['a'], true)).toEqual([]);
  });
});
