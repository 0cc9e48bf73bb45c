import { readFileSync } from 'node:fs'
import { type UserSpec, validateUsers } from './users.js'

/**
 * Reads a users file: a JSON array of `{ name, password, mechanism }`, the
 * same shape as the `users` option. Every failure names the file and the
 * reason (unreadable, not JSON, or which entry and key is wrong).
 */
export function readUsersFile(path: string): UserSpec[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new Error(`cannot read users file ${path}: ${(err as Error).message}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new Error(`users file ${path} is not valid JSON: ${(err as Error).message}`)
  }
  try {
    return validateUsers(parsed)
  } catch (err) {
    throw new Error(`users file ${path}: ${(err as Error).message}`)
  }
}
