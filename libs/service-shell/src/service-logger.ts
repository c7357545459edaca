import pino, { type Logger, type LoggerOptions } from 'pino';

/**
 * A service's JSON log on stdout, written synchronously: a service that stops on SIGTERM ends by
 * re-raising the signal, which runs no 'exit' handlers, so an asynchronous buffer would lose the
 * last lines, the ones that say how it stopped.
 */
export function serviceLogger(service: string, options: Omit<LoggerOptions, 'base'> & { base?: Record<string, unknown> } = {}): Logger {
  const { base, ...rest } = options;
  return pino(
    { level: process.env.LBAAS_LOG_LEVEL?.trim() || 'info', ...rest, base: { service, ...base } },
    pino.destination({ dest: 1, sync: true }),
  );
}
