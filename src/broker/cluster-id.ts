import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Kafka cluster ids are 16 random bytes in URL-safe base64 (22 characters). */
function newClusterId(): string {
  return randomBytes(16).toString('base64url')
}

/**
 * The cluster id: given, or kept in `<dataDir>/cluster-id` so that clients
 * see the same cluster after a restart, or fresh for a memory broker.
 */
export function resolveClusterId(dataDir: string | undefined, given: string | undefined): string {
  if (!dataDir) return given ?? newClusterId()
  const file = join(dataDir, 'cluster-id')
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim()
    if (given && given !== stored)
      throw new Error(`data directory ${dataDir} belongs to cluster ${stored}, not ${given}`)
    return stored
  }
  const id = given ?? newClusterId()
  mkdirSync(dataDir, { recursive: true })
  writeFileSync(file, `${id}\n`)
  return id
}
