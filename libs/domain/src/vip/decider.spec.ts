import { Conflict, NotFound, ValidationError } from '../errors';
import type { SessionPersistence } from '../resources';
import { given } from '../testing/given-when-then';
import { vipDecider } from './decider';
import type { VipCertificateChanged, VipCreated, VipDeleted, VipEvent, VipPoolChanged, VipStatusChanged, VipUpdated } from './events';

const VIP = 'vip-1';
const createdData: VipCreated['data'] = {
  vipId: VIP,
  tenantId: 'tenant-a',
  subnetId: 'sub-1',
  address: '198.18.1.5',
  portId: 'port-1',
  protocolPort: 80,
  protocol: 'HTTP',
  poolId: 'pool-1',
  name: 'web-vip',
  description: '',
  sessionPersistence: null,
  connectionLimit: -1,
  adminStateUp: true,
};
const created: VipCreated = { type: 'VipCreated', version: 1, data: createdData };
const updated = (change: Partial<VipUpdated['data']>): VipUpdated => ({
  type: 'VipUpdated',
  version: 1,
  data: { vipId: VIP, name: 'web-vip', description: '', sessionPersistence: null, connectionLimit: -1, adminStateUp: true, ...change },
});
const poolChanged = (poolId: string, previousPoolId: string): VipPoolChanged => ({
  type: 'VipPoolChanged',
  version: 1,
  data: { vipId: VIP, poolId, previousPoolId },
});
const statusChanged: VipStatusChanged = {
  type: 'VipStatusChanged',
  version: 1,
  data: { vipId: VIP, status: 'ACTIVE', statusDescription: 'serving' },
};
const deleted: VipDeleted = { type: 'VipDeleted', version: 1, data: { vipId: VIP } };
const certificateChanged = (certificateId: string | null, previousCertificateId: string | null): VipCertificateChanged => ({
  type: 'VipCertificateChanged',
  version: 1,
  data: { vipId: VIP, certificateId, previousCertificateId },
});

const fold = (events: VipEvent[]) => given(vipDecider, events).state;
const view = (events: VipEvent[]) => vipDecider.views(fold(events)).vips?.[0] ?? null;

const validPersistence: { desc: string; sp: SessionPersistence | null }[] = [
  { desc: 'no persistence', sp: null },
  { desc: 'SOURCE_IP', sp: { type: 'SOURCE_IP' } },
  { desc: 'HTTP_COOKIE', sp: { type: 'HTTP_COOKIE' } },
  { desc: 'APP_COOKIE with a cookie name', sp: { type: 'APP_COOKIE', cookie_name: 'JSESSIONID' } },
  { desc: 'APP_COOKIE with a 64 character token', sp: { type: 'APP_COOKIE', cookie_name: 'a'.repeat(64) } },
];
const invalidPersistence: { desc: string; sp: SessionPersistence }[] = [
  { desc: 'APP_COOKIE without a cookie name', sp: { type: 'APP_COOKIE' } },
  { desc: 'APP_COOKIE with an empty cookie name', sp: { type: 'APP_COOKIE', cookie_name: '' } },
  { desc: 'a cookie name with a space', sp: { type: 'APP_COOKIE', cookie_name: 'my cookie' } },
  { desc: 'a cookie name with a semicolon', sp: { type: 'APP_COOKIE', cookie_name: 'a;b' } },
  { desc: 'a cookie name of 65 characters', sp: { type: 'APP_COOKIE', cookie_name: 'a'.repeat(65) } },
  { desc: 'SOURCE_IP with a cookie name', sp: { type: 'SOURCE_IP', cookie_name: 'JSESSIONID' } },
  { desc: 'HTTP_COOKIE with a cookie name', sp: { type: 'HTTP_COOKIE', cookie_name: 'JSESSIONID' } },
];
const invalidConnectionLimits = [{ limit: -2 }, { limit: 1.5 }, { limit: Number.NaN }];

describe('vip decide', () => {
  describe('CreateVip', () => {
    it.each(validPersistence)('creates a VIP with $desc', ({ sp }) => {
      const data = { ...createdData, sessionPersistence: sp };
      given(vipDecider)
        .when({ type: 'CreateVip', data })
        .then([{ type: 'VipCreated', version: 1, data }]);
    });

    it.each([{ limit: -1 }, { limit: 0 }, { limit: 5000 }])('accepts connection_limit $limit', ({ limit }) => {
      const data = { ...createdData, connectionLimit: limit };
      given(vipDecider)
        .when({ type: 'CreateVip', data })
        .then([{ type: 'VipCreated', version: 1, data }]);
    });

    it.each(invalidPersistence)('rejects $desc', ({ sp }) =>
      given(vipDecider)
        .when({ type: 'CreateVip', data: { ...createdData, sessionPersistence: sp } })
        .thenThrows(ValidationError, 'HTTPBadRequest'),
    );

    it.each(invalidConnectionLimits)('rejects connection_limit $limit', ({ limit }) =>
      given(vipDecider)
        .when({ type: 'CreateVip', data: { ...createdData, connectionLimit: limit } })
        .thenThrows(ValidationError, 'HTTPBadRequest'),
    );

    it.each([
      { desc: 'a live VIP', history: [created] },
      { desc: 'a deleted VIP (ids are never reused)', history: [created, deleted] },
    ])('rejects creating $desc', ({ history }) =>
      given(vipDecider, history).when({ type: 'CreateVip', data: createdData }).thenThrows(Conflict, 'VipExists'),
    );
  });

  describe('UpdateVip', () => {
    it.each([
      { desc: 'the name', change: { name: 'renamed' } },
      { desc: 'the description', change: { description: 'front door' } },
      { desc: 'the connection limit', change: { connectionLimit: 100 } },
      { desc: 'the admin state', change: { adminStateUp: false } },
      { desc: 'the session persistence', change: { sessionPersistence: { type: 'APP_COOKIE' as const, cookie_name: 'sid' } } },
      { desc: 'nothing', change: {} },
    ])('carries every setting when changing $desc', ({ change }) =>
      given(vipDecider, [created])
        .when({ type: 'UpdateVip', data: { vipId: VIP, ...change } })
        .then([updated(change)]),
    );

    it('keeps the session persistence when the update leaves it out, and clears it when it is null', () => {
      const sticky = updated({ sessionPersistence: { type: 'SOURCE_IP' } });
      given(vipDecider, [created, sticky])
        .when({ type: 'UpdateVip', data: { vipId: VIP, name: 'n' } })
        .then([updated({ name: 'n', sessionPersistence: { type: 'SOURCE_IP' } })]);
      given(vipDecider, [created, sticky])
        .when({ type: 'UpdateVip', data: { vipId: VIP, sessionPersistence: null } })
        .then([updated({})]);
    });

    it.each(invalidPersistence)('rejects $desc', ({ sp }) =>
      given(vipDecider, [created])
        .when({ type: 'UpdateVip', data: { vipId: VIP, sessionPersistence: sp } })
        .thenThrows(ValidationError, 'HTTPBadRequest'),
    );

    it.each(invalidConnectionLimits)('rejects connection_limit $limit', ({ limit }) =>
      given(vipDecider, [created])
        .when({ type: 'UpdateVip', data: { vipId: VIP, connectionLimit: limit } })
        .thenThrows(ValidationError, 'HTTPBadRequest'),
    );
  });

  describe('ChangeVipPool', () => {
    it('moves the VIP to another pool, naming the previous one', () =>
      given(vipDecider, [created])
        .when({ type: 'ChangeVipPool', data: { vipId: VIP, poolId: 'pool-2' } })
        .then([poolChanged('pool-2', 'pool-1')]));

    it('starts from the pool it was last moved to', () =>
      given(vipDecider, [created, poolChanged('pool-2', 'pool-1')])
        .when({ type: 'ChangeVipPool', data: { vipId: VIP, poolId: 'pool-3' } })
        .then([poolChanged('pool-3', 'pool-2')]));

    it('is a no-op for the pool it is on', () =>
      given(vipDecider, [created])
        .when({ type: 'ChangeVipPool', data: { vipId: VIP, poolId: 'pool-1' } })
        .then([]));
  });

  describe('DeleteVip', () => {
    it('deletes a live VIP', () =>
      given(vipDecider, [created])
        .when({ type: 'DeleteVip', data: { vipId: VIP } })
        .then([deleted]));

    it('deletes a VIP that terminates TLS', () =>
      given(vipDecider, [created, certificateChanged('cert-1', null)])
        .when({ type: 'DeleteVip', data: { vipId: VIP } })
        .then([deleted]));
  });

  describe.each([
    { desc: 'absent', history: [] as VipEvent[] },
    { desc: 'deleted', history: [created, deleted] },
  ])('on a VIP that is $desc', ({ history }) => {
    it.each([
      { type: 'UpdateVip', data: { vipId: VIP, name: 'n' } },
      { type: 'ChangeVipPool', data: { vipId: VIP, poolId: 'pool-2' } },
      { type: 'ChangeVipCertificate', data: { vipId: VIP, certificateId: 'cert-1' } },
      { type: 'ChangeVipCertificate', data: { vipId: VIP, certificateId: null } },
      { type: 'DeleteVip', data: { vipId: VIP } },
    ] as const)('$type is VipNotFound', (command) => given(vipDecider, history).when(command).thenThrows(NotFound, 'VipNotFound'));
  });
});

describe('TLS termination', () => {
  const https = { ...createdData, protocol: 'HTTPS' as const };
  const tcp = { ...createdData, protocol: 'TCP' as const };
  const httpsCreated: VipCreated = { type: 'VipCreated', version: 1, data: https };
  const tcpCreated: VipCreated = { type: 'VipCreated', version: 1, data: tcp };

  describe('CreateVip', () => {
    it('appends the certificate with the VIP, in one commit', () =>
      given(vipDecider)
        .when({ type: 'CreateVip', data: createdData, tlsCertificateId: 'cert-1' })
        .then([created, certificateChanged('cert-1', null)]));

    it.each([
      { desc: 'a null certificate', tlsCertificateId: null },
      { desc: 'no certificate', tlsCertificateId: undefined },
    ])('creates a plain VIP with $desc', ({ tlsCertificateId }) =>
      given(vipDecider).when({ type: 'CreateVip', data: createdData, tlsCertificateId }).then([created]),
    );

    it.each([
      { desc: 'HTTPS (passed through to the members)', data: https },
      { desc: 'TCP', data: tcp },
    ])('refuses a certificate on a VIP of protocol $desc', ({ data }) =>
      given(vipDecider).when({ type: 'CreateVip', data, tlsCertificateId: 'cert-1' }).thenThrows(ValidationError, 'HTTPBadRequest'),
    );

    it.each([
      { data: https, reason: 'a VIP of protocol HTTPS passes TLS through to its members untouched' },
      { data: tcp, reason: 'a VIP of protocol TCP forwards its connections to its members untouched' },
    ])('says why a certificate does not fit $data.protocol', ({ data, reason }) =>
      expect(() => vipDecider.decide({ type: 'CreateVip', data, tlsCertificateId: 'cert-1' }, vipDecider.initialState)).toThrow(
        `Invalid input for tls_certificate_id. Reason: a certificate terminates TLS on an HTTP VIP; ${reason}.`,
      ),
    );

    it.each([
      { desc: 'HTTPS', data: https },
      { desc: 'TCP', data: tcp },
    ])('creates a $desc VIP without a certificate', ({ data }) =>
      given(vipDecider)
        .when({ type: 'CreateVip', data, tlsCertificateId: null })
        .then([{ type: 'VipCreated', version: 1, data }]),
    );
  });

  describe('ChangeVipCertificate', () => {
    const change = (certificateId: string | null) => ({ type: 'ChangeVipCertificate', data: { vipId: VIP, certificateId } }) as const;

    it.each([
      { desc: 'starts terminating TLS', history: [created], to: 'cert-1', expected: certificateChanged('cert-1', null) },
      {
        desc: 'moves to another certificate',
        history: [created, certificateChanged('cert-1', null)],
        to: 'cert-2',
        expected: certificateChanged('cert-2', 'cert-1'),
      },
      {
        desc: 'stops terminating TLS',
        history: [created, certificateChanged('cert-1', null)],
        to: null,
        expected: certificateChanged(null, 'cert-1'),
      },
      {
        desc: 'starts from the certificate it last changed to',
        history: [created, certificateChanged('cert-1', null), certificateChanged('cert-2', 'cert-1')],
        to: 'cert-3',
        expected: certificateChanged('cert-3', 'cert-2'),
      },
    ])('$desc, naming the previous certificate', ({ history, to, expected }) =>
      given(vipDecider, history).when(change(to)).then([expected]),
    );

    it.each([
      { desc: 'the certificate it uses', history: [created, certificateChanged('cert-1', null)], to: 'cert-1' },
      { desc: 'no certificate on a plain VIP', history: [created], to: null },
      { desc: 'no certificate on an HTTPS VIP', history: [httpsCreated], to: null },
      {
        desc: 'no certificate after it stopped using one',
        history: [created, certificateChanged('cert-1', null), certificateChanged(null, 'cert-1')],
        to: null,
      },
    ])('is a no-op for $desc', ({ history, to }) => given(vipDecider, history).when(change(to)).then([]));

    it.each([
      { desc: 'HTTPS', history: [httpsCreated] },
      { desc: 'TCP', history: [tcpCreated] },
    ])('refuses a certificate on a $desc VIP', ({ history }) =>
      given(vipDecider, history).when(change('cert-1')).thenThrows(ValidationError, 'HTTPBadRequest'),
    );
  });

  it('shows the certificate a VIP terminates TLS with, and null once it stops', () => {
    expect(view([created, certificateChanged('cert-1', null)])).toMatchObject({ tls_certificate_id: 'cert-1' });
    expect(view([created, certificateChanged('cert-1', null), certificateChanged('cert-2', 'cert-1')])).toMatchObject({
      tls_certificate_id: 'cert-2',
    });
    expect(view([created, certificateChanged('cert-1', null), certificateChanged(null, 'cert-1')])).toMatchObject({
      tls_certificate_id: null,
    });
  });

  it('keeps the certificate through updates, pool moves and status reports', () =>
    expect(
      view([created, certificateChanged('cert-1', null), updated({ name: 'n' }), poolChanged('pool-2', 'pool-1'), statusChanged]),
    ).toMatchObject({ tls_certificate_id: 'cert-1', name: 'n', pool_id: 'pool-2', status: 'ACTIVE' }));
});

describe('vip evolve and view', () => {
  it('shows a created VIP as PENDING_CREATE in Neutron shape', () =>
    expect(vipDecider.views(fold([created]))).toEqual({
      vips: [
        {
          id: VIP,
          tenant_id: 'tenant-a',
          name: 'web-vip',
          description: '',
          subnet_id: 'sub-1',
          address: '198.18.1.5',
          port_id: 'port-1',
          protocol_port: 80,
          protocol: 'HTTP',
          pool_id: 'pool-1',
          session_persistence: null,
          connection_limit: -1,
          tls_certificate_id: null,
          admin_state_up: true,
          status: 'PENDING_CREATE',
          status_description: null,
        },
      ],
    }));

  it('applies updates, pool moves and status reports', () =>
    expect(
      view([
        created,
        updated({ name: 'n', connectionLimit: 10, sessionPersistence: { type: 'HTTP_COOKIE' } }),
        poolChanged('pool-2', 'pool-1'),
        statusChanged,
      ]),
    ).toMatchObject({
      name: 'n',
      connection_limit: 10,
      session_persistence: { type: 'HTTP_COOKIE' },
      pool_id: 'pool-2',
      status: 'ACTIVE',
      status_description: 'serving',
    }));

  it('shows nothing for an absent or deleted VIP', () => {
    expect(vipDecider.views(fold([]))).toEqual({});
    expect(vipDecider.views(fold([created, deleted]))).toEqual({});
  });

  it.each([
    { desc: 'an update', event: updated({ name: 'n' }) },
    { desc: 'a pool move', event: poolChanged('pool-2', 'pool-1') },
    { desc: 'a status report', event: statusChanged },
    { desc: 'a certificate change', event: certificateChanged('cert-1', null) },
  ])('ignores $desc after the deletion', ({ event }) => expect(fold([created, deleted, event])).toEqual({ kind: 'deleted' }));
});

describe("the data plane's status reports", () => {
  const report = { vipId: VIP, status: 'ACTIVE' as const, statusDescription: 'serving' };
  it("change the VIP's status when it differs, and append nothing when it is already so", () => {
    given(vipDecider, [created])
      .when({ type: 'RecordVipStatus', data: report })
      .then([{ ...statusChanged, data: report }]);
    given(vipDecider, [created, statusChanged]).when({ type: 'RecordVipStatus', data: report }).then([]);
  });

  it('append nothing for a VIP that is gone', () => {
    given(vipDecider, [created, deleted]).when({ type: 'RecordVipStatus', data: report }).then([]);
    given(vipDecider, []).when({ type: 'RecordVipStatus', data: report }).then([]);
  });
});

describe('the pending deadline', () => {
  const expire = {
    type: 'ExpireVipPending',
    data: { vipId: VIP, statusDescription: 'PENDING_CREATE past its deadline: waiting for a placement' },
  } as const;
  const status = (s: VipStatusChanged['data']['status'], description: string | null = null): VipStatusChanged => ({
    type: 'VipStatusChanged',
    version: 1,
    data: { vipId: VIP, status: s, statusDescription: description },
  });
  const expired = status('ERROR', expire.data.statusDescription);

  it.each([
    { desc: 'a VIP still PENDING_CREATE', history: [created] },
    { desc: 'a VIP PENDING_UPDATE', history: [created, status('ACTIVE'), status('PENDING_UPDATE')] },
  ])('ends $desc in ERROR with what it was waiting for', ({ history }) => {
    given(vipDecider, history).when(expire).then([expired]);
    expect(view([...history, expired])).toMatchObject({ status: 'ERROR', status_description: expire.data.statusDescription });
  });

  it.each([
    { desc: 'ACTIVE (the data plane got there first)', history: [created, status('ACTIVE')] },
    { desc: "ERROR with the data plane's reason", history: [created, status('ERROR', 'haproxy did not start')] },
    { desc: 'already expired', history: [created, expired] },
    { desc: 'DOWN', history: [created, status('DOWN')] },
    { desc: 'deleted', history: [created, deleted] },
    { desc: 'absent', history: [] },
  ])('leaves a VIP that is $desc alone', ({ history }) => {
    given(vipDecider, history).when(expire).then([]);
  });

  it('is undone by the next report of the data plane', () => {
    expect(view([created, expired, status('ACTIVE')])).toMatchObject({ status: 'ACTIVE', status_description: null });
  });
});
