import { type Stack, startStack } from '@lbaas/testing';
import { NeutronApi } from './neutron-api';

interface Page {
  members: { id: string; weight: number }[];
  members_links?: { rel: string; href: string }[];
}

/** Neutron's sorting and pagination on lists: sort_key/sort_dir, limit, marker, page_reverse, links. */
describe('sorting and pagination', () => {
  let stack: Stack;
  let api: NeutronApi;
  const COUNT = 25;
  let all: { id: string; weight: number }[];

  const get = async (path: string): Promise<Page> => {
    const reply = await api.request<Page>('GET', path);
    expect(reply.status).toBe(200);
    return reply.body;
  };
  const follow = (page: Page, rel: string): string | undefined => page.members_links?.find((l) => l.rel === rel)?.href;

  beforeAll(async () => {
    stack = await startStack();
    api = new NeutronApi(stack.apiUrl, stack.tokens.demo.token);
    const net = (await api.request<{ network: { id: string } }>('POST', '/v2.0/networks', { json: { network: { name: 'n' } } })).body
      .network;
    const subnet = (
      await api.request<{ subnet: { id: string } }>('POST', '/v2.0/subnets', {
        json: { subnet: { network_id: net.id, cidr: '198.18.8.0/24' } },
      })
    ).body.subnet;
    const pool = (
      await api.request<{ pool: { id: string } }>('POST', '/v2.0/lb/pools', {
        json: { pool: { subnet_id: subnet.id, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' } },
      })
    ).body.pool;
    for (let i = 0; i < COUNT; i++) {
      await api.request('POST', '/v2.0/lb/members', {
        json: { member: { pool_id: pool.id, address: `198.18.8.${10 + i}`, protocol_port: 80, weight: i % 5 } },
      });
    }
    all = (await get('/v2.0/lb/members')).members;
  });
  afterAll(() => stack?.stop());

  it('walks every page forward with next links, each item once, in id order', async () => {
    const seen: string[] = [];
    let path: string | undefined = '/v2.0/lb/members?limit=10';
    let pages = 0;
    while (path && pages < 10) {
      const page = await get(path);
      seen.push(...page.members.map((m) => m.id));
      path = follow(page, 'next');
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(all.map((m) => m.id).sort());
  });

  it('goes back with the previous link (page_reverse)', async () => {
    const first = await get('/v2.0/lb/members?limit=10');
    expect(follow(first, 'previous')).toBeUndefined();
    const second = await get(follow(first, 'next') ?? '');
    const back = await get(follow(second, 'previous') ?? '');
    expect(back.members.map((m) => m.id)).toEqual(first.members.map((m) => m.id));
  });

  it('sorts by several keys, with id breaking ties', async () => {
    const page = await get('/v2.0/lb/members?sort_key=weight&sort_dir=desc&sort_key=id&sort_dir=asc');
    const expected = [...all].sort((a, b) => b.weight - a.weight || a.id.localeCompare(b.id));
    expect(page.members.map((m) => m.id)).toEqual(expected.map((m) => m.id));
  });

  it('pages through a sorted list without losing or repeating items', async () => {
    const seen: string[] = [];
    let path: string | undefined = '/v2.0/lb/members?sort_key=weight&sort_dir=desc&limit=7';
    for (let i = 0; path && i < 10; i++) {
      const page = await get(path);
      seen.push(...page.members.map((m) => m.id));
      path = follow(page, 'next');
    }
    const expected = [...all].sort((a, b) => b.weight - a.weight || a.id.localeCompare(b.id));
    expect(seen).toEqual(expected.map((m) => m.id));
  });

  it('rejects bad sorting and paging parameters with 400', async () => {
    for (const query of [
      'sort_key=members',
      'sort_key=weight&sort_dir=up',
      'sort_key=a&sort_key=b&sort_dir=asc',
      'limit=-1',
      'limit=x',
      'limit=5&marker=nope',
    ]) {
      const reply = await api.request<{ NeutronError: { type: string } }>('GET', `/v2.0/lb/members?${query}`);
      expect([query, reply.status]).toEqual([query, 400]);
    }
  });
});
