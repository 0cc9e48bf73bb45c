/**
 * Where the client's log lines go. The interface is the broker's, so one
 * object serves an application that runs both; the default writes warnings
 * and errors to stderr, prefixed with the client id.
 */
export interface Logger {
  debug(message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent']

/** A logger that prints lines at `level` and above to stderr as `time LEVEL [clientId] message`. */
export function consoleLogger(level: LogLevel, clientId: string): Logger {
  const at = LOG_LEVELS.indexOf(level)
  const make =
    (lvl: Exclude<LogLevel, 'silent'>) =>
    (message: string): void => {
      if (LOG_LEVELS.indexOf(lvl) < at) return
      process.stderr.write(`${new Date().toISOString()} ${lvl.toUpperCase()} [${clientId}] ${message}\n`)
    }
  return { debug: make('debug'), info: make('info'), warn: make('warn'), error: make('error') }
}
