/** The broker logs through this; the default writes one line per event to stderr. */
export interface Logger {
  debug(message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 }

export function stderrLogger(level: LogLevel = 'info'): Logger {
  const at = ORDER[level]
  const line = (lvl: LogLevel, message: string) => {
    if (ORDER[lvl] >= at)
      process.stderr.write(`${new Date().toISOString()} ${lvl.toUpperCase()} ${message}\n`)
  }
  return {
    debug: (m) => line('debug', m),
    info: (m) => line('info', m),
    warn: (m) => line('warn', m),
    error: (m) => line('error', m),
  }
}

export const silentLogger: Logger = stderrLogger('silent')
