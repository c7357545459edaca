import { Conflict, NotFound, ValidationError } from '../errors';
import { given } from '../testing/given-when-then';
import { healthMonitorDecider } from './decider';
import type {
  HealthMonitorAssociated,
  HealthMonitorCreated,
  HealthMonitorDeleted,
  HealthMonitorDisassociated,
  HealthMonitorEvent,
  HealthMonitorUpdated,
  MonitorSettings,
} from './events';

const HM = 'hm-1';
const request = { monitorId: HM, tenantId: 'tenant-a', type: 'HTTP' as const, delay: 20, timeout: 10, maxRetries: 3 };
const defaults: Omit<MonitorSettings, 'delay' | 'timeout' | 'maxRetries'> = {
  httpMethod: 'GET',
  urlPath: '/',
  expectedCodes: '200',
  adminStateUp: true,
};
const created = (change: Partial<HealthMonitorCreated['data']> = {}): HealthMonitorCreated => ({
  type: 'HealthMonitorCreated',
  version: 1,
  data: { ...request, ...defaults, ...change },
});
const updated = (change: Partial<HealthMonitorUpdated['data']>): HealthMonitorUpdated => ({
  type: 'HealthMonitorUpdated',
  version: 1,
  data: { monitorId: HM, delay: 20, timeout: 10, maxRetries: 3, ...defaults, ...change },
});
const associated = (poolId: string): HealthMonitorAssociated => ({
  type: 'HealthMonitorAssociated',
  version: 1,
  data: { monitorId: HM, poolId },
});
const disassociated = (poolId: string): HealthMonitorDisassociated => ({
  type: 'HealthMonitorDisassociated',
  version: 1,
  data: { monitorId: HM, poolId },
});
const deleted: HealthMonitorDeleted = { type: 'HealthMonitorDeleted', version: 1, data: { monitorId: HM } };

const fold = (events: HealthMonitorEvent[]) => given(healthMonitorDecider, events).state;
const view = (events: HealthMonitorEvent[]) => healthMonitorDecider.views(fold(events)).health_monitors?.[0] ?? null;

/** Settings every command that carries them accepts; each row changes one thing of a valid monitor. */
const accepted: { desc: string; change: Partial<MonitorSettings> }[] = [
  { desc: 'delay equal to timeout', change: { delay: 10, timeout: 10 } },
  { desc: 'max_retries 1', change: { maxRetries: 1 } },
  { desc: 'max_retries 10', change: { maxRetries: 10 } },
  { desc: 'one expected code', change: { expectedCodes: '204' } },
  { desc: 'a list of expected codes', change: { expectedCodes: '200,202' } },
  { desc: 'a list of expected codes with spaces', change: { expectedCodes: '200, 202, 301' } },
  { desc: 'a range of expected codes', change: { expectedCodes: '200-204' } },
  { desc: 'a range of one expected code', change: { expectedCodes: '200-200' } },
  { desc: 'a url path with a query', change: { urlPath: '/healthz?full=1' } },
  { desc: 'the HEAD method', change: { httpMethod: 'HEAD' } },
];
const rejected: { desc: string; change: Partial<MonitorSettings> }[] = [
  { desc: 'delay 0', change: { delay: 0, timeout: 0 } },
  { desc: 'a fractional delay', change: { delay: 20.5 } },
  { desc: 'timeout 0', change: { timeout: 0 } },
  { desc: 'delay below timeout', change: { delay: 5, timeout: 10 } },
  { desc: 'max_retries 0', change: { maxRetries: 0 } },
  { desc: 'max_retries 11', change: { maxRetries: 11 } },
  { desc: 'fractional max_retries', change: { maxRetries: 2.5 } },
  { desc: 'an unknown http method', change: { httpMethod: 'FETCH' } },
  { desc: 'a lower-case http method', change: { httpMethod: 'get' } },
  { desc: 'a relative url path', change: { urlPath: 'healthz' } },
  { desc: 'a url path with a space', change: { urlPath: '/health check' } },
  { desc: 'a url path with a quote', change: { urlPath: '/"x"' } },
  { desc: 'a url path of 256 characters', change: { urlPath: `/${'a'.repeat(255)}` } },
  { desc: 'a reversed range of expected codes', change: { expectedCodes: '204-200' } },
  { desc: 'an expected code below 100', change: { expectedCodes: '99' } },
  { desc: 'an expected code above 599', change: { expectedCodes: '600' } },
  { desc: 'an open range', change: { expectedCodes: '200-' } },
  { desc: 'a list with a trailing comma', change: { expectedCodes: '200,' } },
  { desc: 'a range inside a list', change: { expectedCodes: '200-204,300' } },
  { desc: 'no expected codes', change: { expectedCodes: '' } },
  { desc: 'words as expected codes', change: { expectedCodes: 'ok' } },
];

describe('health monitor decide', () => {
  describe('CreateHealthMonitor', () => {
    it("fills in Neutron's defaults: GET, /, 200, admin state up", () =>
      given(healthMonitorDecider).when({ type: 'CreateHealthMonitor', data: request }).then([created()]));

    it('keeps every setting it is given', () => {
      const settings = { httpMethod: 'POST', urlPath: '/status', expectedCodes: '200-299', adminStateUp: false };
      given(healthMonitorDecider)
        .when({ type: 'CreateHealthMonitor', data: { ...request, ...settings } })
        .then([created(settings)]);
    });

    it.each([{ type: 'PING' as const }, { type: 'TCP' as const }, { type: 'HTTPS' as const }])('creates a $type monitor', ({ type }) =>
      given(healthMonitorDecider)
        .when({ type: 'CreateHealthMonitor', data: { ...request, type } })
        .then([created({ type })]),
    );

    it.each(accepted)('accepts $desc', ({ change }) =>
      given(healthMonitorDecider)
        .when({ type: 'CreateHealthMonitor', data: { ...request, ...change } })
        .then([created(change)]),
    );

    it.each(rejected)('rejects $desc', ({ change }) =>
      given(healthMonitorDecider)
        .when({ type: 'CreateHealthMonitor', data: { ...request, ...change } })
        .thenThrows(ValidationError, 'HTTPBadRequest'),
    );

    it.each([
      { desc: 'a live monitor', history: [created()] },
      { desc: 'a deleted monitor (ids are never reused)', history: [created(), deleted] },
    ])('rejects creating $desc', ({ history }) =>
      given(healthMonitorDecider, history).when({ type: 'CreateHealthMonitor', data: request }).thenThrows(Conflict, 'HealthMonitorExists'),
    );
  });

  describe('UpdateHealthMonitor', () => {
    it.each(accepted)('carries every setting when changing to $desc', ({ change }) =>
      given(healthMonitorDecider, [created()])
        .when({ type: 'UpdateHealthMonitor', data: { monitorId: HM, ...change } })
        .then([updated(change)]),
    );

    it('carries every setting when changing the admin state', () =>
      given(healthMonitorDecider, [created()])
        .when({ type: 'UpdateHealthMonitor', data: { monitorId: HM, adminStateUp: false } })
        .then([updated({ adminStateUp: false })]));

    it.each(rejected)('rejects $desc', ({ change }) =>
      given(healthMonitorDecider, [created()])
        .when({ type: 'UpdateHealthMonitor', data: { monitorId: HM, ...change } })
        .thenThrows(ValidationError, 'HTTPBadRequest'),
    );

    it('checks the timeout against the stored delay', () =>
      given(healthMonitorDecider, [created()])
        .when({ type: 'UpdateHealthMonitor', data: { monitorId: HM, timeout: 21 } })
        .thenThrows(ValidationError, 'HTTPBadRequest'));

    it('starts from the latest values', () =>
      given(healthMonitorDecider, [created(), updated({ delay: 60, timeout: 30 })])
        .when({ type: 'UpdateHealthMonitor', data: { monitorId: HM, timeout: 45 } })
        .then([updated({ delay: 60, timeout: 45 })]));
  });

  describe('AssociatePool, DisassociatePool', () => {
    const associate = { type: 'AssociatePool', data: { monitorId: HM, poolId: 'pool-1' } } as const;
    const disassociate = { type: 'DisassociatePool', data: { monitorId: HM, poolId: 'pool-1' } } as const;

    it.each([
      { desc: 'a monitor without pools', history: [created()] },
      { desc: 'a monitor of another pool', history: [created(), associated('pool-2')] },
      { desc: 'a monitor disassociated from the pool before', history: [created(), associated('pool-1'), disassociated('pool-1')] },
    ])('associates $desc', ({ history }) =>
      given(healthMonitorDecider, history)
        .when(associate)
        .then([associated('pool-1')]),
    );

    it('rejects associating the same pool twice', () =>
      given(healthMonitorDecider, [created(), associated('pool-1')])
        .when(associate)
        .thenThrows(Conflict, 'PoolMonitorAssociationExists'));

    it('disassociates an associated pool', () =>
      given(healthMonitorDecider, [created(), associated('pool-1'), associated('pool-2')])
        .when(disassociate)
        .then([disassociated('pool-1')]));

    it.each([
      { desc: 'never associated', history: [created(), associated('pool-2')] },
      { desc: 'already disassociated', history: [created(), associated('pool-1'), disassociated('pool-1')] },
    ])('does not find an association $desc', ({ history }) =>
      given(healthMonitorDecider, history).when(disassociate).thenThrows(NotFound, 'PoolMonitorAssociationNotFound'),
    );
  });

  describe('DeleteHealthMonitor', () => {
    it.each([
      { desc: 'without pools', history: [created()] },
      { desc: 'whose pools were all disassociated', history: [created(), associated('pool-1'), disassociated('pool-1')] },
    ])('deletes a monitor $desc', ({ history }) =>
      given(healthMonitorDecider, history)
        .when({ type: 'DeleteHealthMonitor', data: { monitorId: HM } })
        .then([deleted]),
    );

    it('rejects deleting a monitor in use by a pool', () =>
      given(healthMonitorDecider, [created(), associated('pool-1')])
        .when({ type: 'DeleteHealthMonitor', data: { monitorId: HM } })
        .thenThrows(Conflict, 'HealthMonitorInUse'));
  });

  describe.each([
    { desc: 'absent', history: [] as HealthMonitorEvent[] },
    { desc: 'deleted', history: [created(), deleted] },
  ])('on a monitor that is $desc', ({ history }) => {
    it.each([
      { type: 'UpdateHealthMonitor', data: { monitorId: HM, delay: 30 } },
      { type: 'AssociatePool', data: { monitorId: HM, poolId: 'pool-1' } },
      { type: 'DisassociatePool', data: { monitorId: HM, poolId: 'pool-1' } },
      { type: 'DeleteHealthMonitor', data: { monitorId: HM } },
    ] as const)('$type is HealthMonitorNotFound', (command) =>
      given(healthMonitorDecider, history).when(command).thenThrows(NotFound, 'HealthMonitorNotFound'),
    );
  });
});

describe('health monitor evolve and view', () => {
  it('shows a created monitor in Neutron shape, without pools', () =>
    expect(healthMonitorDecider.views(fold([created()]))).toEqual({
      health_monitors: [
        {
          id: HM,
          tenant_id: 'tenant-a',
          type: 'HTTP',
          delay: 20,
          timeout: 10,
          max_retries: 3,
          http_method: 'GET',
          url_path: '/',
          expected_codes: '200',
          admin_state_up: true,
          pools: [],
          status: 'ACTIVE',
          status_description: null,
        },
      ],
    }));

  it('lists its pools as pending, once each, without the disassociated ones', () =>
    expect(
      view([created(), associated('pool-1'), associated('pool-2'), associated('pool-1'), associated('pool-3'), disassociated('pool-2')])
        ?.pools,
    ).toEqual([
      { pool_id: 'pool-1', status: 'PENDING_CREATE', status_description: null },
      { pool_id: 'pool-3', status: 'PENDING_CREATE', status_description: null },
    ]));

  it('applies updates', () =>
    expect(
      view([
        created(),
        updated({
          delay: 30,
          timeout: 5,
          maxRetries: 5,
          httpMethod: 'HEAD',
          urlPath: '/ping',
          expectedCodes: '200-299',
          adminStateUp: false,
        }),
      ]),
    ).toMatchObject({
      delay: 30,
      timeout: 5,
      max_retries: 5,
      http_method: 'HEAD',
      url_path: '/ping',
      expected_codes: '200-299',
      admin_state_up: false,
    }));

  it('shows nothing for an absent or deleted monitor', () => {
    expect(healthMonitorDecider.views(fold([]))).toEqual({});
    expect(healthMonitorDecider.views(fold([created(), deleted]))).toEqual({});
  });

  it.each([
    { desc: 'an update', event: updated({ delay: 30 }) },
    { desc: 'an association', event: associated('pool-1') },
    { desc: 'a disassociation', event: disassociated('pool-1') },
  ])('ignores $desc after the deletion', ({ event }) => expect(fold([created(), deleted, event])).toEqual({ kind: 'deleted' }));
});
