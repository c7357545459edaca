import { UsageError } from './cli-errors';
import { booleanValue, choiceValue, integerValue, keyValues, secondsValue, sessionPersistenceValue } from './option-values';

describe('option values', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['FALSE', false],
  ])('reads %s as a boolean', (text, expected) => {
    expect(booleanValue('admin-state-up', text)).toBe(expected);
  });

  it('rejects a boolean that is neither', () => {
    expect(() => booleanValue('admin-state-up', 'yes')).toThrow(
      new UsageError("argument --admin-state-up: invalid choice: 'yes' (choose from 'true', 'false')"),
    );
  });

  it.each([
    ['80', 80],
    ['-1', -1],
    ['0', 0],
  ])('reads the integer %s', (text, expected) => {
    expect(integerValue('weight', text)).toBe(expected);
  });

  it.each(['8o', '1.5', '', '99999999999'])('rejects %j as an integer', (text) => {
    expect(() => integerValue('weight', text)).toThrow(UsageError);
  });

  it.each([
    ['60', 60],
    ['0.5', 0.5],
  ])('reads %s seconds', (text, expected) => {
    expect(secondsValue('timeout', text)).toBe(expected);
  });

  it.each(['0', '-1', 'soon', '1e3'])('rejects %j seconds', (text) => {
    expect(() => secondsValue('timeout', text)).toThrow(UsageError);
  });

  it('matches a choice in any case and answers in its own spelling', () => {
    expect(choiceValue('lb-method', 'round_robin', ['ROUND_ROBIN', 'SOURCE_IP'])).toBe('ROUND_ROBIN');
    expect(() => choiceValue('lb-method', 'RANDOM', ['ROUND_ROBIN', 'SOURCE_IP'])).toThrow(
      new UsageError("argument --lb-method: invalid choice: 'RANDOM' (choose from 'ROUND_ROBIN', 'SOURCE_IP')"),
    );
  });

  it('reads key=value pairs with the keys allowed and needed', () => {
    expect(keyValues('allocation-pool', 'start=198.18.1.10, end=198.18.1.20', ['start', 'end'], ['start', 'end'])).toEqual({
      start: '198.18.1.10',
      end: '198.18.1.20',
    });
  });

  it.each([
    ['start=198.18.1.10', "argument --allocation-pool: missing end in 'start=198.18.1.10'"],
    ['start=198.18.1.10,size=4', "argument --allocation-pool: unknown key 'size' (allowed: start, end)"],
    ['198.18.1.10', "argument --allocation-pool: expected key=value[,key=value], not '198.18.1.10'"],
  ])('rejects the pairs %j', (text, message) => {
    expect(() => keyValues('allocation-pool', text, ['start', 'end'], ['start', 'end'])).toThrow(new UsageError(message));
  });

  it.each([
    ['type=HTTP_COOKIE', { type: 'HTTP_COOKIE' }],
    ['type=source_ip', { type: 'SOURCE_IP' }],
    ['type=APP_COOKIE,cookie_name=sid', { type: 'APP_COOKIE', cookie_name: 'sid' }],
  ])('reads the session persistence %s', (text, expected) => {
    expect(sessionPersistenceValue(text)).toEqual(expected);
  });

  it.each([
    ['type=APP_COOKIE', 'argument --session-persistence: type=APP_COOKIE needs cookie_name=NAME'],
    ['type=HTTP_COOKIE,cookie_name=sid', 'argument --session-persistence: cookie_name goes with type=APP_COOKIE only'],
    ['cookie_name=sid', "argument --session-persistence: missing type in 'cookie_name=sid'"],
    ['type=STICKY', "argument --session-persistence: invalid choice: 'STICKY' (choose from 'SOURCE_IP', 'HTTP_COOKIE', 'APP_COOKIE')"],
  ])('rejects the session persistence %s', (text, message) => {
    expect(() => sessionPersistenceValue(text)).toThrow(new UsageError(message));
  });
});
