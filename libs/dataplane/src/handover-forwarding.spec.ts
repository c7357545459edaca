import { HANDOVER_ROUTING, handoverTables, peerRoute } from './handover-forwarding';

describe('the netfilter tables and routes of a lossless handover', () => {
  it("hands only the VIP's TCP packets of unseen connections to the peer, from the holder of the VIP, and forwards nothing else", () => {
    const tables = handoverTables('198.18.1.10');
    expect(tables.split('\n').filter((l) => l.startsWith('-A'))).toEqual([
      '-A PREROUTING -i lbv0 -d 198.18.1.10/32 -p tcp -m conntrack --ctstate INVALID -m addrtype --dst-type LOCAL -j MARK --set-xmark 0x2/0xffffffff',
      '-A PREROUTING -m mark --mark 0x2 -j ACCEPT',
      '-A PREROUTING -i lbv0 -d 198.18.1.10/32 -p tcp -m socket -j MARK --set-xmark 0x1/0xffffffff',
      '-A FORWARD -m mark --mark 0x2 -j ACCEPT',
    ]);
    expect(tables).toContain(':FORWARD DROP [0:0]');
    expect(tables.endsWith('COMMIT\n')).toBe(true);
  });

  it('looks the marks up before the local table, and sends the lookup on while there is no peer', () => {
    expect(HANDOVER_ROUTING.map((r) => r.join(' '))).toContain('rule del pref 0 lookup local');
    expect(peerRoute('198.19.192.2')).toEqual(['route', 'replace', 'default', 'via', '198.19.192.2', 'dev', 'lbv0', 'table', '102']);
    expect(peerRoute(null)).toEqual(['route', 'replace', 'throw', 'default', 'table', '102']);
  });
});
