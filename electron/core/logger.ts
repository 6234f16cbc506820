/**
 * Scoped structured logger. Lines are JSON on stderr so a shell can collect them. Callers pass ids
 * and masked values only: personal data never goes into a log line.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function threshold(): number {
  const configured = process.env['INTAKE_DESK_LOG_LEVEL'];
  if (configured === 'debug' || configured === 'info' || configured === 'warn' || configured === 'error') return ORDER[configured];
  return ORDER.info;
}

export function createLogger(scope: string): Logger {
  const min = threshold();
  const write = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (ORDER[level] < min) return;
    process.stderr.write(`${JSON.stringify({ t: new Date().toISOString(), level, scope, message, ...fields })}\n`);
  };
  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}
