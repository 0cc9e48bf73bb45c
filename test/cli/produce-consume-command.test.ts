import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker } from '../../src/broker/index.js'
import { type Admin, Kafka } from '../../src/client/index.js'
import { runInProcess } from './support/in-process.js'
import { runCli, startCli } from './support/run-cli.js'

describe('sluice produce and sluice consume', () => {
  let broker: Awaited<ReturnType<typeof startBroker>>
  let admin: Admin
  let dir: string
  const sluice = (args: string[], input?: string) =>
    runInProcess([...args, '--brokers', broker.bootstrap], { input })
  /** A real process, for what only it shows: stdin and stdout as pipes. */
  const spawned = (args: string[], input?: string) =>
    runCli([...args, '--brokers', broker.bootstrap], { input })

  beforeAll(async () => {
    broker = await startBroker({ port: 0, logger: 'silent', groupInitialRebalanceDelayMs: 0 })
    admin = new Kafka({ brokers: broker.bootstrap, logger: 'silent' }).admin()
    await admin.createTopics([
      { topic: 'cli-lines', partitions: 2 },
      { topic: 'cli-file', partitions: 1 },
    ])
    dir = await mkdtemp(join(tmpdir(), 'sluice-cli-produce-'))
  })
  afterAll(async () => {
    await admin?.close()
    await broker?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('round-trips keys, values and headers from stdin to json lines', async () => {
    const input = 'trace=t1|user-1:{"n":1}\ntrace=t2,source=web|user-2:{"n":2}\n|:no key\n|plain\n'
    const produced = await spawned(
      ['produce', 'cli-lines', '--key-separator', ':', '--header-separator', '|', '-H', 'app=cli', '--json'],
      input,
    )
    expect(produced.stderr).toBe('')
    expect(produced.code).toBe(0)
    expect(JSON.parse(produced.stdout)).toMatchObject({ topic: 'cli-lines', records: 4, errors: 0 })

    const consumed = await sluice([
      'consume',
      'cli-lines',
      '--from',
      'beginning',
      '--count',
      '4',
      '--format',
      'json',
    ])
    expect(consumed.code).toBe(0)
    expect(consumed.stderr).toBe('consumed 4 records\n')
    const records = consumed.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
    // two partitions: compare without the order across them
    const byValue = new Map(records.map((r) => [r.value, r]))
    expect(byValue.get('{"n":1}')).toMatchObject({
      topic: 'cli-lines',
      key: 'user-1',
      headers: [
        ['app', 'cli'],
        ['trace', 't1'],
      ],
      offset: expect.any(Number),
      timestamp: expect.any(Number),
    })
    expect(byValue.get('{"n":2}').headers).toEqual([
      ['app', 'cli'],
      ['trace', 't2'],
      ['source', 'web'],
    ])
    expect(byValue.get('no key')).toMatchObject({ key: '', headers: [['app', 'cli']] })
    // no key separator in the line: a keyless record
    expect(byValue.get('plain')).toMatchObject({ key: null })
    // records of one key stay on one partition (murmur2, as the Java client)
    expect(new Set(records.map((r) => r.partition)).size).toBeGreaterThanOrEqual(1)
  })

  it('produces a file, consumes it in a group that commits what it printed, and exits when idle', async () => {
    const file = join(dir, 'lines.txt')
    await writeFile(file, Array.from({ length: 50 }, (_, i) => `k${i}\tv${i}`).join('\n'))
    const produced = await sluice([
      'produce',
      'cli-file',
      '--file',
      file,
      '-K',
      '\\t',
      '--acks',
      'leader',
      '-z',
      'gzip',
    ])
    expect(produced.code).toBe(0)
    expect(produced.stderr).toMatch(
      /^produced 50 records \(\d+ bytes\) to cli-file in [\d.]+ s: \d+ records\/s, \d+ bytes\/s, 0 errors\n$/,
    )

    const first = await sluice([
      'consume',
      'cli-file',
      '-g',
      'cli-readers',
      '--from',
      'beginning',
      '-n',
      '20',
      '-K',
      '=',
    ])
    expect(first.code).toBe(0)
    expect(first.stdout.trimEnd().split('\n')).toEqual(Array.from({ length: 20 }, (_, i) => `k${i}=v${i}`))
    expect((await admin.fetchOffsets('cli-readers'))[0].offset).toBe(20n)

    // the group goes on from its commit; --timeout-ms ends the run once nothing more comes
    const rest = await sluice(['consume', 'cli-file', '-g', 'cli-readers', '--timeout-ms', '1500'])
    expect(rest.code).toBe(0)
    expect(rest.stdout.trimEnd().split('\n')).toEqual(Array.from({ length: 30 }, (_, i) => `v${i + 20}`))
    expect((await admin.lag('cli-readers')).totalLag).toBe(0n)
  })

  it('produce stops after --count records, skipping empty lines, to the partition asked for', async () => {
    const produced = await sluice(['produce', 'cli-lines', '-n', '3', '-p', '1', '--json'], 'a\n\nb\nc\nd\n')
    expect(JSON.parse(produced.stdout)).toMatchObject({ records: 3, errors: 0 })
    const consumed = await sluice([
      'consume',
      'cli-lines',
      '--partition',
      '1',
      '--from',
      'end',
      '--timeout-ms',
      '300',
    ])
    expect(consumed.stdout).toBe('')
    const [end] = await admin.listOffsets([{ topic: 'cli-lines', partition: 1, at: 'latest' }])
    const last = await sluice([
      'consume',
      'cli-lines',
      '-p',
      '1',
      '--from',
      String(end.offset - 3n),
      '-n',
      '3',
    ])
    expect(last.stdout).toBe('a\nb\nc\n')
  })

  it('produce reports a record that fails, goes on with the rest and exits 1', async () => {
    const input = `small\n${'x'.repeat(1_100_000)}\nafter\n`
    const produced = await sluice(['produce', 'cli-lines', '--json'], input)
    expect(produced.code).toBe(1)
    expect(produced.stderr).toMatch(
      /^sluice: record 2: record of 1100074 bytes is larger than maxRequestBytes [^\n]*\n$/,
    )
    expect(JSON.parse(produced.stdout)).toMatchObject({ records: 2, errors: 1 })
  })

  it('Ctrl-C ends a consume cleanly: exit 0, what was printed is committed', async () => {
    await admin.createTopics([{ topic: 'cli-sigint', partitions: 1 }])
    const producer = new Kafka({ brokers: broker.bootstrap, logger: 'silent' }).producer()
    await producer.send({ topic: 'cli-sigint', messages: ['a', 'b', 'c'].map((value) => ({ value })) })
    await producer.close()
    const cli = startCli([
      'consume',
      'cli-sigint',
      '-g',
      'cli-sigint',
      '--from',
      'beginning',
      '-b',
      broker.bootstrap,
    ])
    try {
      await expect.poll(cli.stdout, { timeout: 15_000 }).toBe('a\nb\nc\n')
      cli.child.kill('SIGINT')
      expect(await cli.closed).toBe(0)
      expect(cli.stderr()).toBe('consumed 3 records\n')
      expect((await admin.fetchOffsets('cli-sigint'))[0].offset).toBe(3n)
    } finally {
      cli.child.kill('SIGKILL')
    }
  })

  it('reads one partition from an offset without a group, in raw format', async () => {
    const consumed = await sluice([
      'consume',
      'cli-file',
      '--partition',
      '0',
      '--from',
      '48',
      '--format',
      'raw',
      '-n',
      '2',
    ])
    expect(consumed.code).toBe(0)
    expect(consumed.stdout).toBe('v48\nv49\n')
  })
})
