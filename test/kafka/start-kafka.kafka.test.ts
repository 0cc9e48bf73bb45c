import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { saslLogin } from '../broker/support/sasl-client.js'
import { WireClient } from '../broker/support/wire-client.js'
import { MECHANISMS, readTls, TLS_FILES, USERS } from '../compat/sasl/secure-brokers.js'
import { run, runChecked } from '../compat/support/external-client.js'
import { describeWithKafka } from './describe-with-kafka.js'
import { requestMetadata } from './metadata-probe.js'
import { type RunningKafka, startKafka } from './start-kafka.js'

/**
 * The reference-Kafka rig itself: one node and three nodes start and list
 * every broker, a topic gets replication factor 3, a killed node leaves a
 * quorum and an ISR of two (acks=all still works) and rejoins on restart,
 * SASL and TLS listeners take the same users and fixtures as the embedded
 * broker's, and nothing (JVM or directory) outlives close() or a test process
 * that dies.
 */

const KCAT_MS = 30_000

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value !== undefined) return value
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`)
    await sleep(250)
  }
}

function rssKiB(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1])
}

/** kcat with IPv4 only (127.0.0.1 listeners) and extra -X settings. */
function kcat(bootstrap: string, args: string[], input?: string, settings: string[] = []) {
  const x = ['broker.address.family=v4', ...settings].flatMap((s) => ['-X', s])
  return run('kcat', ['-b', bootstrap, ...x, ...args], { input, timeoutMs: KCAT_MS })
}

describeWithKafka('startKafka with one node', () => {
  let kafka: RunningKafka

  beforeAll(async () => {
    kafka = await startKafka({ defaultPartitions: 2 })
  })
  afterAll(() => kafka?.close())

  it('answers Metadata on its client listener, listing itself at that listener', async () => {
    const metadata = await requestMetadata(kafka.host, kafka.port)
    expect(metadata.brokers.map((b) => [b.nodeId, b.host, b.port])).toEqual([[1, '127.0.0.1', kafka.port]])
    expect(metadata.clusterId).toBe(kafka.clusterId)
    expect(kafka.bootstrap).toBe(`127.0.0.1:${kafka.port}`)
    // ~200 MB when idle; the heap is capped at 400 MB, so this stays well under a gigabyte
    expect(rssKiB(kafka.nodes[0].pid)).toBeLessThan(900 * 1024)
  })

  it('auto-creates a topic with num.partitions for kcat, which produces and consumes', async () => {
    const topic = 'rig-one-node'
    const produced = await kcat(kafka.bootstrap, ['-P', '-t', topic, '-K', ':'], 'a:1\nb:2\nc:3\n')
    expect(produced.exitCode, produced.stderr).toBe(0)
    const consumed = await kcat(kafka.bootstrap, ['-C', '-t', topic, '-e', '-q', '-f', '%k=%s\\n'])
    expect(consumed.stdout.trim().split('\n').sort()).toEqual(['a=1', 'b=2', 'c=3'])
    const metadata = await requestMetadata(kafka.host, kafka.port, { topics: [topic] })
    expect(metadata.topics[0].partitions.map((p) => p.replicaNodes)).toEqual([[1], [1]])
  })
})

describeWithKafka('startKafka with three nodes', () => {
  let kafka: RunningKafka
  let client: WireClient
  const topic = 'rig-replicated'

  beforeAll(async () => {
    kafka = await startKafka({ brokers: 3 })
    client = await WireClient.connect(kafka.nodes[0].bootstrap)
  })
  afterAll(async () => {
    await client?.close()
    await kafka?.close()
  })

  const isrOf = async (askNode: number) => {
    const node = kafka.nodes.find((n) => n.nodeId === askNode)!
    const metadata = await requestMetadata(node.host, node.port, { topics: [topic] })
    return metadata.topics[0].partitions.map((p) => [...p.isrNodes].sort())
  }

  it('lists every broker from every node', async () => {
    expect(kafka.nodes.map((n) => n.nodeId)).toEqual([1, 2, 3])
    for (const node of kafka.nodes) {
      const metadata = await requestMetadata(node.host, node.port)
      const brokers = metadata.brokers.map((b) => [b.nodeId, b.port]).sort()
      expect(brokers, `asked node ${node.nodeId}`).toEqual(kafka.nodes.map((n) => [n.nodeId, n.port]))
    }
  })

  it('creates a topic replicated to all three brokers by default', async () => {
    const created = await client.send(Apis.CreateTopics, 7, {
      // -1: the broker's default.replication.factor, which the rig sets to 3
      topics: [{ name: topic, numPartitions: 3, replicationFactor: -1, assignments: [], configs: [] }],
      timeoutMs: 30_000,
    })
    expect(created.topics[0].errorCode, created.topics[0].errorMessage ?? '').toBe(0)
    expect(created.topics[0].replicationFactor).toBe(3)
    await until('a full ISR', async () => {
      const isr = await isrOf(1)
      return isr.length === 3 && isr.every((r) => r.length === 3) ? isr : undefined
    })
  })

  it('keeps acks=all working with a node killed, and the node rejoins after startNode', async () => {
    const victim = kafka.nodes[2]
    await kafka.killNode(victim.nodeId)
    expect(alive(victim.pid), 'the killed JVM is gone').toBe(false)
    expect(kafka.nodes[2].running).toBe(false)
    // the controller fences it after broker.session.timeout.ms and drops it from every ISR
    await until('node 3 to leave the ISR', async () => {
      const isr = await isrOf(1)
      return isr.every((r) => r.length === 2 && !r.includes(victim.nodeId)) ? isr : undefined
    })
    // two in-sync replicas meet min.insync.replicas, so acks=all is still answered
    const produced = await kcat(kafka.nodes[0].bootstrap, ['-P', '-t', topic, '-p', '0'], 'while-down\n', [
      'acks=all',
    ])
    expect(produced.exitCode, produced.stderr).toBe(0)

    await kafka.startNode(victim.nodeId)
    expect(kafka.nodes[2].port, 'same port after the restart').toBe(victim.port)
    const metadata = await requestMetadata(victim.host, victim.port)
    expect(metadata.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3])
    await until('node 3 to catch up and rejoin the ISR', async () => {
      const isr = await isrOf(3)
      return isr.every((r) => r.length === 3) ? isr : undefined
    })
    const consumed = await runChecked(
      'kcat',
      ['-b', victim.bootstrap, '-X', 'broker.address.family=v4', '-C', '-t', topic, '-p', '0', '-e', '-q'],
      { timeoutMs: KCAT_MS },
    )
    expect(consumed.stdout).toBe('while-down\n')
  })

  it('stops a node cleanly with stopNode', async () => {
    const node = kafka.nodes[1]
    await kafka.stopNode(node.nodeId)
    expect(alive(node.pid)).toBe(false)
    // a controlled shutdown says goodbye: no wait for a session timeout
    expect(kafka.logTail(node.nodeId, 400)).toMatch(/shut down completed|shutting down|Shutdown completed/i)
    await kafka.startNode(node.nodeId)
    expect(kafka.nodes[1].running).toBe(true)
  })
})

describeWithKafka('startKafka with SASL users', () => {
  let kafka: RunningKafka

  beforeAll(async () => {
    kafka = await startKafka({ users: MECHANISMS.map((mechanism) => ({ ...USERS[mechanism], mechanism })) })
  })
  afterAll(() => kafka?.close())

  for (const mechanism of MECHANISMS) {
    it(`logs in a ${mechanism} user and refuses a wrong password`, async () => {
      expect(kafka.securityProtocol).toBe('SASL_PLAINTEXT')
      const user = USERS[mechanism]
      // Sluice's own SASL client: librdkafka 2.0's SCRAM is refused by Kafka 4 (see test/compat/sasl)
      const good = await WireClient.connect(kafka.bootstrap)
      const bad = await WireClient.connect(kafka.bootstrap)
      try {
        const ok = await saslLogin(good, mechanism, user.name, user.password)
        expect(ok.errorCode, ok.errorMessage ?? '').toBe(0)
        const metadata = await good.send(Apis.Metadata, 12, { topics: [], allowAutoTopicCreation: false })
        expect(metadata.brokers.map((b) => b.port)).toEqual([kafka.port])
        const refused = await saslLogin(bad, mechanism, user.name, 'not-the-password')
        expect(refused.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED)
      } finally {
        await Promise.all([good.close(), bad.close()])
      }
    })
  }

  it('serves kcat with PLAIN', async () => {
    const settings = [
      'security.protocol=SASL_PLAINTEXT',
      'sasl.mechanisms=PLAIN',
      `sasl.username=${USERS.PLAIN.name}`,
      `sasl.password=${USERS.PLAIN.password}`,
    ]
    const ok = await kcat(kafka.bootstrap, ['-L'], undefined, settings)
    expect(ok.exitCode, ok.stderr).toBe(0)
    expect(ok.stdout).toContain(`broker 1 at 127.0.0.1:${kafka.port}`)
  })

  it('keeps the inter-broker listener free of login for the rig and inspecting tests', async () => {
    const [host, port] = kafka.internalBootstrap.split(':')
    const metadata = await requestMetadata(host, Number(port))
    expect(metadata.brokers.map((b) => b.nodeId)).toEqual([1])
  })
})

describeWithKafka('startKafka with TLS', () => {
  let mutual: RunningKafka
  let saslSsl: RunningKafka
  const tls = { key: readTls(TLS_FILES.serverKey), cert: readTls(TLS_FILES.serverCert) }

  beforeAll(async () => {
    ;[mutual, saslSsl] = await Promise.all([
      startKafka({ tls: { ...tls, ca: readTls(TLS_FILES.ca) } }),
      startKafka({ tls, users: [{ ...USERS.PLAIN, mechanism: 'PLAIN' }] }),
    ])
  })
  afterAll(async () => {
    await Promise.all([mutual?.close(), saslSsl?.close()])
  })

  it('serves mutual TLS with the test fixtures, refusing a client without a certificate', async () => {
    expect(mutual.securityProtocol).toBe('SSL')
    const ssl = ['security.protocol=SSL', `ssl.ca.location=${TLS_FILES.ca}`]
    const withCert = [
      ...ssl,
      `ssl.certificate.location=${TLS_FILES.clientCert}`,
      `ssl.key.location=${TLS_FILES.clientKey}`,
    ]
    const ok = await kcat(mutual.bootstrap, ['-L'], undefined, withCert)
    expect(ok.exitCode, ok.stderr).toBe(0)
    const rogue = [
      ...ssl,
      `ssl.certificate.location=${TLS_FILES.rogueCert}`,
      `ssl.key.location=${TLS_FILES.rogueKey}`,
    ]
    const refused = await kcat(mutual.bootstrap, ['-L', '-m', '5'], undefined, rogue)
    expect(refused.exitCode).not.toBe(0)
  })

  it('serves SASL_SSL', async () => {
    expect(saslSsl.securityProtocol).toBe('SASL_SSL')
    const settings = [
      'security.protocol=SASL_SSL',
      `ssl.ca.location=${TLS_FILES.ca}`,
      'sasl.mechanisms=PLAIN',
      `sasl.username=${USERS.PLAIN.name}`,
      `sasl.password=${USERS.PLAIN.password}`,
    ]
    const ok = await kcat(saslSsl.bootstrap, ['-L'], undefined, settings)
    expect(ok.exitCode, ok.stderr).toBe(0)
  })
})

describeWithKafka('startKafka cleanup', () => {
  it('close() kills every JVM and removes the directory', async () => {
    const kafka = await startKafka()
    const pid = kafka.nodes[0].pid
    expect(alive(pid)).toBe(true)
    expect(existsSync(kafka.dataDir)).toBe(true)
    await kafka.close()
    expect(alive(pid)).toBe(false)
    expect(existsSync(kafka.dataDir)).toBe(false)
    await kafka.close()
  })

  it('leaves no JVM and no directory when the test process is killed outright', async () => {
    const script = fileURLToPath(new URL('./fixtures/start-and-hang.ts', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d) => {
      stderr += d
    })
    const started = await new Promise<{ pid: number; dir: string }>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (d) => {
        out += d
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]))
      })
      child.once('exit', (code) =>
        reject(new Error(`child exited (${code}) before starting Kafka: ${stderr}`)),
      )
    })
    try {
      expect(alive(started.pid)).toBe(true)
      child.kill('SIGKILL')
      await until('the orphaned JVM to die and its directory to go', async () =>
        !alive(started.pid) && !existsSync(started.dir) ? true : undefined,
      )
    } finally {
      // if the watchdog failed, do not leave the JVM running for the rest of the run
      if (alive(started.pid)) process.kill(started.pid, 'SIGKILL')
    }
  })
})
