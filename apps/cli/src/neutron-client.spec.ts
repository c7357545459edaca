import { CommandError } from './cli-errors';
import { ApiError, NeutronClient } from './neutron-client';
import { POOL } from './resources';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** A fetch that answers one canned response and records the request. */
function fakeFetch(status: number, body: string): typeof fetch & { sent: Sent[] } {
  const sent: Sent[] = [];
  const impl = async (url: string | URL | Request, init?: RequestInit) => {
    sent.push({
      url: String(url),
      method: init?.method ?? 'GET',
      headers: init?.headers as Record<string, string>,
      body: init?.body as string | undefined,
    });
    return new Response(status === 204 ? null : body, { status });
  };
  return Object.assign(impl as typeof fetch, { sent });
}

describe('NeutronClient', () => {
  it('lists with the query, sending the token', async () => {
    const fetch = fakeFetch(200, JSON.stringify({ pools: [{ id: 'p1' }] }));
    const client = new NeutronClient('http://127.0.0.1:9696/', 'tok', fetch);
    await expect(
      client.list(POOL, [
        ['name', 'my pool'],
        ['fields', 'id'],
      ]),
    ).resolves.toEqual([{ id: 'p1' }]);
    expect(fetch.sent).toEqual([
      {
        url: 'http://127.0.0.1:9696/v2.0/lb/pools?name=my+pool&fields=id',
        method: 'GET',
        headers: { 'X-Auth-Token': 'tok', Accept: 'application/json' },
      },
    ]);
  });

  it('wraps a create in its envelope and unwraps the answer', async () => {
    const fetch = fakeFetch(201, JSON.stringify({ pool: { id: 'p1', name: 'mypool' } }));
    const client = new NeutronClient('http://127.0.0.1:9696', 'tok', fetch);
    await expect(client.create(POOL, { name: 'mypool' })).resolves.toEqual({ id: 'p1', name: 'mypool' });
    expect(fetch.sent[0]).toMatchObject({
      method: 'POST',
      body: '{"pool":{"name":"mypool"}}',
      headers: { 'Content-Type': 'application/json' },
    });
  });

  it('accepts the empty answer of a delete', async () => {
    const fetch = fakeFetch(204, '');
    await expect(new NeutronClient('http://127.0.0.1:9696', 'tok', fetch).remove(POOL, 'p/1')).resolves.toBeUndefined();
    expect(fetch.sent[0]).toMatchObject({ url: 'http://127.0.0.1:9696/v2.0/lb/pools/p%2F1', method: 'DELETE' });
  });

  it("raises the NeutronError's message", async () => {
    const body = JSON.stringify({ NeutronError: { type: 'PoolNotFound', message: 'Pool p1 could not be found.', detail: '' } });
    const client = new NeutronClient('http://127.0.0.1:9696', 'tok', fakeFetch(404, body));
    await expect(client.show(POOL, 'p1')).rejects.toEqual(new ApiError(404, 'PoolNotFound', 'Pool p1 could not be found.'));
  });

  it('names the status when the error body is not a NeutronError', async () => {
    const client = new NeutronClient('http://127.0.0.1:9696', 'tok', fakeFetch(502, 'Bad Gateway'));
    await expect(client.show(POOL, 'p1')).rejects.toEqual(new ApiError(502, '', 'The API answered 502: Bad Gateway'));
  });

  it('says which answer lacked its envelope', async () => {
    const client = new NeutronClient('http://127.0.0.1:9696', 'tok', fakeFetch(200, '{"vip": {}}'));
    await expect(client.show(POOL, 'p1')).rejects.toEqual(new CommandError("The API answered without a 'pool' object."));
  });

  it('says where it could not connect', async () => {
    const refused = Object.assign(async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    }, {}) as unknown as typeof fetch;
    const client = new NeutronClient('http://127.0.0.1:9', 'tok', refused);
    await expect(client.list(POOL)).rejects.toEqual(
      new CommandError('Unable to establish connection to http://127.0.0.1:9/v2.0/lb/pools: connect ECONNREFUSED 127.0.0.1:9'),
    );
  });
});
