import { routeTemplateOf } from '../http-metrics';
import { parseTarget, routedUrl, routeTarget, UNROUTED_PATH } from './request-target';

const ID = '0f4d3e4a-6c2b-4a51-9b7e-2d8c1f0a9b31';

describe('routedUrl', () => {
  it.each([
    { desc: 'a collection with its query', method: 'GET', target: '/v2.0/lb/pools?name=a', routed: '/v2.0/lb/pools?name=a' },
    { desc: 'the format suffix', method: 'GET', target: `/v2.0/lb/pools/${ID}.json?fields=id`, routed: `/v2.0/lb/pools/${ID}?fields=id` },
    { desc: 'a trailing slash', method: 'POST', target: '/v2.0/lb/pools/', routed: '/v2.0/lb/pools' },
    { desc: 'dot segments, as URLs resolve them', method: 'GET', target: '/v2.0/lb/x/../pools', routed: '/v2.0/lb/pools' },
    { desc: 'an id that is only the suffix', method: 'GET', target: '/v2.0/lb/pools/.json', routed: '/v2.0/lb/pools/.json' },
    { desc: 'a health check', method: 'GET', target: '/healthz/', routed: '/healthz' },
    { desc: 'the scrape', method: 'GET', target: '/metrics?x', routed: '/metrics' },
    { desc: 'discovery with the suffix', method: 'GET', target: '/v2.0/extensions/lbaas.json', routed: '/v2.0/extensions/lbaas' },
    { desc: 'a method the path does not take', method: 'PATCH', target: `/v2.0/lb/pools/${ID}`, routed: UNROUTED_PATH },
    { desc: 'HEAD', method: 'HEAD', target: '/v2.0/lb/pools', routed: UNROUTED_PATH },
    { desc: 'an escaped letter in a fixed segment', method: 'GET', target: '/v2.0/lb/p%6Fols', routed: UNROUTED_PATH },
    { desc: 'a broken escape in an id', method: 'GET', target: '/v2.0/lb/pools/%E0%A4%A', routed: UNROUTED_PATH },
    { desc: 'a path that starts with //', method: 'GET', target: '//v2.0/lb/pools', routed: UNROUTED_PATH },
    { desc: 'a target that is no URL', method: 'OPTIONS', target: '*', routed: UNROUTED_PATH },
    { desc: 'the format suffix on a health check', method: 'GET', target: '/healthz.json', routed: UNROUTED_PATH },
    { desc: 'a POST to a health check', method: 'POST', target: '/healthz', routed: UNROUTED_PATH },
  ])('routes $desc', ({ method, target, routed }) => {
    expect(routedUrl(method, target)).toBe(routed);
  });
});

describe('routeTarget', () => {
  const targets = [
    ['POST', '/v2.0/lb/pools'],
    ['POST', '/v2.0/lb/members'],
    ['POST', '/v2.0/lb/pools/'],
    ['GET', `/v2.0/lb/pools/${ID}.json?fields=id`],
    ['GET', `/v2.0/lb/pools/${ID}?fields=id`],
    ['GET', '/v2.0/lb/x/../pools'],
    ['GET', '/v2.0/lb/p%6Fols'],
    ['GET', '/v2.0/lb/pools#x'],
    ['GET', '/healthz/'],
    ['GET', '/v2.0/extensions/lbaas.json'],
    ['GET', '/v2.0'],
    ['PATCH', `/v2.0/lb/pools/${ID}`],
    ['PUT', `/v2.0/lb/pools/${ID}`],
    ['DELETE', `/v2.0/lb/members/${ID}/`],
    ['OPTIONS', '*'],
    ['GET', '//v2.0/lb/pools'],
  ];

  it.each(targets)('%s %s: the URL routedUrl gives, the path a URL parse gives, the template routeTemplateOf gives', (method, target) => {
    const routed = routeTarget(method, target);
    expect(routed.url).toBe(routedUrl(method, target));
    expect(routed.pathname).toBe(parseTarget(target)?.pathname ?? null);
    if (routed.template !== null) expect(routed.template).toBe(routeTemplateOf(method, target.split('?')[0] ?? '/'));
  });

  it('keeps the template of a create, and none for a path that needed normalising', () => {
    expect(routeTarget('POST', '/v2.0/lb/pools').template).toBe('/v2.0/lb/pools');
    expect(routeTarget('POST', '/v2.0/lb/pools/').template).toBe('/v2.0/lb/pools');
    expect(routeTarget('GET', `/v2.0/lb/pools/${ID}?fields=id`).template).toBe('/v2.0/lb/pools/{id}');
    expect(routeTarget('GET', '/v2.0/lb/pools#x').template).toBeNull();
    expect(routeTarget('GET', '/v2.0/lb/x/../pools').template).toBeNull();
  });
});
