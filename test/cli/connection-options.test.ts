import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker } from '../../src/broker/index.js'
import { runInProcess } from './support/in-process.js'
import { runCli } from './support/run-cli.js'

const tls = (name: string) => fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url))

describe('client commands over TLS with a SASL login', () => {
  let broker: Awaited<ReturnType<typeof startBroker>>

  beforeAll(async () => {
    broker = await startBroker({
      port: 0,
      logger: 'silent',
      users: [{ name: 'ops', password: 'ops-secret', mechanism: 'SCRAM-SHA-512' }],
      tls: { key: readFileSync(tls('server.key')), cert: readFileSync(tls('server.pem')) },
    })
  })
  afterAll(async () => {
    await broker?.close()
  })

  const login = ['--ca', tls('ca.pem'), '--sasl-mechanism', 'scram-sha-512', '--sasl-username', 'ops']

  // a process of its own: its environment is the one it reads
  it('logs in with the password from SLUICE_SASL_PASSWORD and the brokers from SLUICE_BROKERS', async () => {
    const result = await runCli(['topics', 'list', '--json', ...login], {
      env: { SLUICE_BROKERS: broker.bootstrap, SLUICE_SASL_PASSWORD: 'ops-secret' },
    })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual([])
  })

  it('a wrong password fails at once in one line, exit code 1, without the password', async () => {
    const result = await runInProcess([
      'topics',
      'list',
      ...login,
      '--sasl-password',
      'wrong-pw',
      '-b',
      broker.bootstrap,
    ])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^sluice: [^\n]*(authentication|SASL)[^\n]*\n$/i)
    expect(result.stderr).not.toContain('wrong-pw')
  })
})
