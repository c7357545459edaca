import type { DataSource } from 'typeorm';
import { insertOctaviaWorld } from '../test/octavia-fixtures';
import { answerOf, isIdList, OCTAVIA_LIST_CASES, OCTAVIA_PAGED_SORTS, walk } from '../test/octavia-list-cases';
import { createDataSource } from './data-source';
import { QueryService } from './query-service';

let db: DataSource;
let queries: QueryService;

beforeAll(async () => {
  db = await createDataSource({ sqlitePath: ':memory:' }).initialize();
  queries = new QueryService(db);
  await insertOctaviaWorld(db);
});
afterAll(() => db.destroy());

describe('v2 (Octavia) lists on SQLite', () => {
  it.each(OCTAVIA_LIST_CASES.map((c) => [c.desc, c] as const))('%s', async (_desc, { query, expected }) => {
    const answer = await answerOf(queries, query);
    if (isIdList(expected)) expect(answer).toEqual(expected);
    else expect(answer).toEqual({ status: expected.status, type: expected.type, message: expect.stringMatching(expected.message ?? /./) });
  });

  it.each(OCTAVIA_PAGED_SORTS.map((query) => [JSON.stringify(query), query] as const))(
    'pages %s one row at a time, both ways, into the unpaged order',
    async (_desc, query) => {
      const unpaged = await answerOf(queries, query);
      expect(Array.isArray(unpaged) && unpaged.length).toBeGreaterThan(1);
      expect(await walk(queries, query, false)).toEqual(unpaged);
      expect(await walk(queries, query, true)).toEqual(unpaged);
    },
  );
});
