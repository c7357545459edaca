import { handoverRouting, handoverTables, peerRoute } from './handover-forwarding';

describe('the netfilter tables and routes of a lossless handover', () => {
  it("hands only the VIP's TCP packets of connections never seen begin to the peer, once, and forwards nothing else", () => {
    const tables = handoverTables('198.18.1.10');
    expect(tables.split('\n').filter((l) => l.startsWith('-A'))).toEqual([
      '-A PREROUTING -i lbv0 -d 198.18.1.10/32 -p tcp -m dscp ! --dscp 0x01 -m conntrack --ctstate INVALID -j MARK --set-xmark 0x2/0xffffffff',
      '-A FORWARD -m mark --mark 0x2 -j DSCP --set-dscp 0x01',
      '-A FORWARD -m mark --mark 0x2 -j ACCEPT',
    ]);
    expect(tables).toContain(':FORWARD DROP [0:0]');
    expect(tables.endsWith('COMMIT\n')).toBe(true);
  });

  it('keeps the VIP local on lo, looks the handed packets up before the local table, and sends the lookup on while there is no peer', () => {
    expect(handoverRouting('198.18.1.10').map((r) => r.join(' '))).toEqual([
      'addr add 198.18.1.10/32 dev lo',
      'rule add pref 50 fwmark 0x2 lookup 102',
      'rule add pref 100 lookup local',
      'rule del pref 0 lookup local',
    ]);
    expect(peerRoute('198.19.192.2')).toEqual(['route', 'replace', 'default', 'via', '198.19.192.2', 'dev', 'lbv0', 'table', '102']);
    expect(peerRoute(null)).toEqual(['route', 'replace', 'throw', 'default', 'table', '102']);
  });
});
