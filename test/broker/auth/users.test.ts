import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CredentialStore } from '../../../src/broker/auth/credentials.js'
import { validateUsers } from '../../../src/broker/auth/users.js'
import { readUsersFile } from '../../../src/broker/auth/users-file.js'
import { BrokerConfigError } from '../../../src/broker/config-error.js'
import { resolveBrokerOptions } from '../../../src/broker/options.js'

function configError(fn: () => unknown): BrokerConfigError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(BrokerConfigError)
    return err as BrokerConfigError
  }
  throw new Error('expected a BrokerConfigError')
}

const alice = { name: 'alice', password: 'alice-secret', mechanism: 'PLAIN' }

describe('users option', () => {
  const bad: [string, unknown, string, RegExp][] = [
    ['not an array', { alice }, 'users', /array/],
    ['empty', [], 'users', /at least one/],
    ['an entry that is not an object', [alice, 'bob'], 'users[1]', /object/],
    ['a missing name', [{ password: 'x', mechanism: 'PLAIN' }], 'users[0].name', /non-empty/],
    ['a name with NUL', [{ ...alice, name: 'a\0b' }], 'users[0].name', /NUL/],
    ['an empty password', [{ ...alice, password: '' }], 'users[0].password', /non-empty/],
    ['a user listed twice for one mechanism', [alice, alice], 'users[1].name', /twice/],
    [
      'an unknown mechanism',
      [alice, { ...alice, name: 'b' }, { ...alice, name: 'c', mechanism: 'SCRAM-SHA-1' }],
      'users[2].mechanism',
      /SCRAM-SHA-1/,
    ],
    [
      'a lower-case mechanism',
      [{ ...alice, mechanism: 'plain' }],
      'users[0].mechanism',
      /PLAIN, SCRAM-SHA-256, SCRAM-SHA-512/,
    ],
    ['a typo in a key', [{ ...alice, passwd: 'x' }], 'users[0].passwd', /unknown key/],
    ['iterations on a PLAIN user', [{ ...alice, iterations: 4096 }], 'users[0].iterations', /SCRAM/],
    [
      'too few iterations',
      [{ ...alice, mechanism: 'SCRAM-SHA-256', iterations: 1000 }],
      'users[0].iterations',
      /4096/,
    ],
    [
      'too many iterations',
      [{ ...alice, mechanism: 'SCRAM-SHA-512', iterations: 100_000 }],
      'users[0].iterations',
      /16384/,
    ],
  ]
  for (const [name, value, key, reason] of bad) {
    it(`fails at construction on ${name}, naming ${key}`, () => {
      const err = configError(() => resolveBrokerOptions({ users: value as never }))
      expect(err.key).toBe(key)
      expect(err.message).toMatch(reason)
    })
  }

  it('never echoes a password in an error', () => {
    const err = configError(() =>
      validateUsers([{ name: 'a', password: 'hunter2-secret', mechanism: 'PLAIN', extra: 1 }]),
    )
    expect(err.message).not.toContain('hunter2')
  })

  it('allows one name under several mechanisms', () => {
    expect(
      validateUsers([
        alice,
        { ...alice, mechanism: 'SCRAM-SHA-256' },
        { ...alice, mechanism: 'SCRAM-SHA-512' },
      ]),
    ).toHaveLength(3)
  })

  it('keeps no clear password in the resolved options', () => {
    const password = 'do-not-keep-me-4711'
    const resolved = resolveBrokerOptions({
      logger: 'silent',
      users: [
        { name: 'p', password, mechanism: 'PLAIN' },
        { name: 's', password, mechanism: 'SCRAM-SHA-256' },
        { name: 't', password, mechanism: 'SCRAM-SHA-512', iterations: 4097 },
      ],
    })
    const seen = new Set<unknown>()
    const needles = [Buffer.from(password), Buffer.from(password, 'utf16le')]
    // walks every object and buffer reachable from the resolved options, Maps included
    const walk = (value: unknown): void => {
      if (value === null || typeof value !== 'object' || seen.has(value)) {
        if (typeof value === 'string') expect(value).not.toContain(password)
        return
      }
      seen.add(value)
      if (Buffer.isBuffer(value)) {
        for (const n of needles) expect(value.includes(n)).toBe(false)
        return
      }
      if (value instanceof Map) {
        for (const [k, v] of value) {
          walk(k)
          walk(v)
        }
      }
      for (const key of Reflect.ownKeys(value)) walk((value as Record<string | symbol, unknown>)[key])
    }
    walk(resolved)
    expect(resolved).not.toHaveProperty('users')
    expect(resolved.credentials?.mechanisms).toEqual(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])
    expect(resolved.credentials?.scramCredential('SCRAM-SHA-512', 't')?.iterations).toBe(4097)
  })

  it('enables only the mechanisms some user has', () => {
    expect(new CredentialStore([{ ...alice, mechanism: 'SCRAM-SHA-512' }]).mechanisms).toEqual([
      'SCRAM-SHA-512',
    ])
    expect(resolveBrokerOptions({ logger: 'silent' }).credentials).toBeUndefined()
  })
})

describe('users file', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-users-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  async function file(name: string, text: string): Promise<string> {
    const path = join(dir, name)
    await writeFile(path, text)
    return path
  }

  it('reads the same array as the option', async () => {
    const path = await file(
      'ok.json',
      JSON.stringify([alice, { name: 'bob', password: 'b', mechanism: 'SCRAM-SHA-256' }]),
    )
    expect(readUsersFile(path).map((u) => u.name)).toEqual(['alice', 'bob'])
  })

  it('names the file and the reason when it is missing, not JSON, or wrong', async () => {
    const missing = join(dir, 'missing.json')
    expect(() => readUsersFile(missing)).toThrow(`cannot read users file ${missing}`)
    const notJson = await file('bad.json', '[{"name": "alice",}]')
    expect(() => readUsersFile(notJson)).toThrow(new RegExp(`users file ${notJson} is not valid JSON`))
    const wrong = await file(
      'wrong.json',
      JSON.stringify([alice, { name: 'x', password: 'y', mechanism: 'MD5' }]),
    )
    expect(() => readUsersFile(wrong)).toThrow(new RegExp(`users file ${wrong}: .*users\\[1\\]\\.mechanism`))
  })
})
