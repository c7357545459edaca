/** A structured log line: the app's pino logger, or a simulation's console. */
export type AgentLog = (level: 'debug' | 'info' | 'warn' | 'error', fields: Record<string, unknown>, message: string) => void;
