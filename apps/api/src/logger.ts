import pino, { type Logger } from 'pino';

export const API_LOGGER = Symbol('API_LOGGER');

/** JSON lines on stdout, one per request with its correlation id; secrets never reach it. */
export const createApiLogger = (level = process.env.LBAAS_LOG_LEVEL ?? 'info'): Logger =>
  pino({ name: 'lbaas-api', level, base: { service: 'api' }, redact: ['headers["x-auth-token"]', '*.token'] });
