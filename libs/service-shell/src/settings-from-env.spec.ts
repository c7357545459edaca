import { portFromEnv } from './settings-from-env';

describe('portFromEnv', () => {
  it.each([
    { raw: undefined, port: 9702 },
    { raw: '', port: 9702 },
    { raw: ' 8080 ', port: 8080 },
    { raw: '0', port: 0 },
    { raw: '65535', port: 65535 },
  ])('reads $raw as $port', ({ raw, port }) => {
    expect(portFromEnv({ LBAAS_HEALTH_PORT: raw }, 'LBAAS_HEALTH_PORT', 9702)).toBe(port);
  });

  it.each(['65536', '-1', '80.5', 'http', '1e3x'])('refuses %s, naming the setting', (raw) => {
    expect(() => portFromEnv({ LBAAS_PROJECTIONS_PORT: raw }, 'LBAAS_PROJECTIONS_PORT', 9697)).toThrow(
      `LBAAS_PROJECTIONS_PORT must be a port number, got '${raw}'`,
    );
  });
});
