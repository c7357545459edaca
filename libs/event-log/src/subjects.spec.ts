import { ALL_EVENTS_SUBJECT, eventSubject, parseEventSubject, STREAM_NAME } from './subjects';

describe('event subjects', () => {
  it('names one subject per aggregate instance under the stream subjects', () => {
    expect(STREAM_NAME).toBe('LBAAS_EVENTS');
    expect(ALL_EVENTS_SUBJECT).toBe('lbaas.events.>');
    expect(eventSubject('pool', '6f1c2a9e-0b7d-4c43-9a51-2f8e0c1d3b4a')).toBe('lbaas.events.pool.6f1c2a9e-0b7d-4c43-9a51-2f8e0c1d3b4a');
  });

  it('parses a subject back to its aggregate and id', () => {
    expect(parseEventSubject(eventSubject('healthmonitor', 'abc'))).toEqual({ aggregate: 'healthmonitor', id: 'abc' });
  });

  it.each([
    { desc: 'another prefix', subject: 'lbaas.query.pool.abc' },
    { desc: 'an unknown aggregate', subject: 'lbaas.events.router.abc' },
    { desc: 'no id', subject: 'lbaas.events.pool' },
    { desc: 'an empty id', subject: 'lbaas.events.pool.' },
    { desc: 'an id with a dot', subject: 'lbaas.events.pool.a.b' },
  ])('rejects $desc', ({ subject }) => {
    expect(parseEventSubject(subject)).toBeNull();
  });
});
