import { accessSync, constants, mkdirSync, statSync } from 'node:fs'
import { BrokerConfigError } from './config-error.js'

/**
 * Creates the data directory when it does not exist and checks that the
 * broker can use it, before anything is read from or written to it: a path
 * that is a file, lies under a file, or cannot be written fails at start as
 * a BrokerConfigError naming `dataDir` (one line from `sluice broker`)
 * rather than as an I/O error from deep inside a store.
 */
export function prepareDataDir(dataDir: string): void {
  const fail = (reason: string): never => {
    throw new BrokerConfigError('dataDir', `cannot use ${dataDir}: ${reason}`)
  }
  try {
    mkdirSync(dataDir, { recursive: true })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EEXIST') fail('it is a file, not a directory')
    if (code === 'ENOTDIR') fail('part of the path is a file, not a directory')
    if (code === 'EACCES' || code === 'EPERM') fail('permission denied to create it')
    fail((err as Error).message)
  }
  if (!statSync(dataDir).isDirectory()) fail('it is not a directory')
  try {
    accessSync(dataDir, constants.R_OK | constants.W_OK | constants.X_OK)
  } catch {
    fail('the broker may not read and write in it')
  }
}
