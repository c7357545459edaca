import type { Logger } from 'pino';
import { serviceLogger } from '@lbaas/service-shell';

export const API_LOGGER = Symbol('API_LOGGER');

/** JSON lines on stdout, one per request with its correlation id; secrets never reach it. */
export const createApiLogger = (level = process.env.LBAAS_LOG_LEVEL ?? 'info'): Logger =>
  serviceLogger('api', { name: 'lbaas-api', level, redact: ['headers["x-auth-token"]', '*.token'] });
