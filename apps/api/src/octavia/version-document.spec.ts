import { versionDocument } from './version-document';

describe("Octavia's version document", () => {
  it('lists v2.0 to v2.26, the last CURRENT, each linking to /v2', () => {
    const { versions } = versionDocument('http://127.0.0.1:9876/');
    expect(versions.map((v) => v.id)).toEqual(Array.from({ length: 27 }, (_, i) => `v2.${i}`));
    expect(versions.filter((v) => v.status === 'CURRENT').map((v) => v.id)).toEqual(['v2.26']);
    expect(versions[0]).toEqual({
      id: 'v2.0',
      status: 'SUPPORTED',
      updated: '2016-12-11T00:00:00Z',
      links: [{ href: 'http://127.0.0.1:9876/v2', rel: 'self' }],
    });
  });
});
