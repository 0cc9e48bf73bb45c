import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Apis } from '../../src/protocol/messages/index.js'
import { saslLogin } from '../broker/support/sasl-client.js'
import { WireClient } from '../broker/support/wire-client.js'
import { type BrokerProcess, spawnBroker } from '../support/broker-process.js'

const TLS_DIR = fileURLToPath(new URL('../fixtures/tls/', import.meta.url))
const tlsFile = (name: string) => join(TLS_DIR, name)

describe('sluice broker --users and --tls-*', () => {
  let dir: string
  let broker: BrokerProcess | undefined

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-cli-security-'))
  })
  afterEach(() => {
    broker?.child.kill('SIGKILL')
    broker = undefined
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  async function usersFile(name: string, content: string): Promise<string> {
    const path = join(dir, name)
    await writeFile(path, content)
    return path
  }

  it('requires a login with the users of the file, over TLS', async () => {
    const users = await usersFile(
      'users.json',
      JSON.stringify([{ name: 'svc', password: 'svc-secret', mechanism: 'SCRAM-SHA-256' }]),
    )
    broker = await spawnBroker([
      '--users',
      users,
      '--tls-key',
      tlsFile('server.key'),
      '--tls-cert',
      tlsFile('server.pem'),
      '--log-level',
      'info',
    ])
    const ca = { ca: await import('node:fs').then((fs) => fs.readFileSync(tlsFile('ca.pem'))) }
    const anonymous = await WireClient.connect(broker.bootstrap, ca)
    await expect(anonymous.send(Apis.Metadata, 12, { topics: null })).rejects.toThrow(/closed/)
    const client = await WireClient.connect(broker.bootstrap, ca)
    expect((await saslLogin(client, 'SCRAM-SHA-256', 'svc', 'svc-secret')).errorCode).toBe(0)
    expect((await client.send(Apis.Metadata, 12, { topics: null })).brokers).toHaveLength(1)
    await client.close()
    expect(broker.stderr()).toMatch(/listener security: TLS, SASL login required/)
    expect(broker.stderr()).not.toMatch(/svc-secret/)
  })

  const badFiles: [string, string, RegExp][] = [
    ['not JSON', '{ nope', /is not valid JSON/],
    [
      'a bad mechanism',
      JSON.stringify([{ name: 'a', password: 'b', mechanism: 'MD5' }]),
      /users\[0\]\.mechanism/,
    ],
  ]
  for (const [name, content, reason] of badFiles) {
    it(`fails at start on a users file with ${name}, naming the file`, async () => {
      const path = await usersFile(`${name.replace(/ /g, '-')}.json`, content)
      const failure = spawnBroker(['--users', path], 15_000)
      await expect(failure).rejects.toThrow(reason)
      await expect(failure).rejects.toThrow(path)
    })
  }

  it('fails at start on a users file that does not exist', async () => {
    const path = join(dir, 'missing.json')
    await expect(spawnBroker(['--users', path], 15_000)).rejects.toThrow(`cannot read users file ${path}`)
  })

  it('refuses --tls-key without --tls-cert', async () => {
    await expect(spawnBroker(['--tls-key', tlsFile('server.key')], 15_000)).rejects.toThrow(
      /--tls-key and --tls-cert go together/,
    )
  })

  it('names the option when a TLS file is not usable, without a stack trace', async () => {
    const failure: Error = await spawnBroker(
      ['--tls-key', tlsFile('client.key'), '--tls-cert', tlsFile('server.pem')],
      15_000,
    ).then(
      () => new Error('the broker started'),
      (err: Error) => err,
    )
    expect(failure.message).toMatch(/invalid broker option tls\.key/)
    expect(failure.message).not.toMatch(/\n\s+at /)
  })
})
