import { memberHealth, parseShowStat } from './show-stat';

const CSV = [
  '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight',
  'stats,FRONTEND,,,0,1,2000,3,345,6789,0,0,0,,,,,OPEN,',
  'pool-1,m-1,0,0,2,4,,120,1000,20000,,0,,0,0,0,0,UP,3',
  'pool-1,m-2,0,0,0,1,,8,50,900,,0,,0,0,0,0,DOWN 1/2,1',
  'pool-1,BACKEND,0,0,2,5,200,128,1050,20900,0,0,,0,0,0,0,UP,4',
  '',
].join('\n');

describe('show stat', () => {
  it('reads the rows by header name, numbers as numbers', () => {
    const rows = parseShowStat(CSV);
    expect(rows).toHaveLength(4);
    expect(rows[3]).toEqual({
      pxname: 'pool-1',
      svname: 'BACKEND',
      status: 'UP',
      bytesIn: 1050,
      bytesOut: 20900,
      currentSessions: 2,
      totalSessions: 128,
      weight: 4,
    });
    expect(rows[2]).toMatchObject({ svname: 'm-2', status: 'DOWN 1/2', weight: 1 });
  });

  it('gives nothing for output without a header (an error message from the socket)', () => {
    expect(parseShowStat('Unknown command\n')).toEqual([]);
  });

  it.each([
    ['UP', 'ACTIVE'],
    ['UP 1/3', 'ACTIVE'],
    ['no check', 'ACTIVE'],
    ['DOWN', 'INACTIVE'],
    ['DOWN 1/2', 'INACTIVE'],
    ['MAINT', 'DOWN'],
    ['MAINT (via pool/x)', 'DOWN'],
  ])('maps the server status %s to the member status %s', (status, expected) => expect(memberHealth(status)).toBe(expected));
});
