import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../../src/broker/index.js'
import type { GroupsView, TopicsView } from '../../../src/cli/console/console-api-types.js'
import type { ConsoleSample } from '../../../src/cli/console/console-sample.js'
import { startConsole } from '../../../src/cli/console/server.js'
import { loadAssets } from '../../../src/cli/console/static-assets.js'
import { LiveFeed, type LiveSnapshot } from '../../../src/cli/live/live-snapshot.js'
import { type Admin, type Consumer, Kafka, type Producer } from '../../../src/client/index.js'
import { SseClient } from './support/sse-client.js'

const CLOSE_CHILD = join(import.meta.dirname, 'support/console-close-child.ts')

function snapshot(at: number, produced: number, lag: number): LiveSnapshot {
  return {
    at,
    elapsedSeconds: 1,
    producer: {
      recordsPerSecond: produced,
      targetRate: 1000,
      bufferBytesUsed: 1024,
      bufferBytesTotal: 4096,
      sendersWaiting: 0,
      inFlightRequests: 1,
      retries: 0,
      drops: 0,
      errors: 0,
      acknowledged: 10,
    },
    consumer: {
      recordsPerSecond: produced / 2,
      handlerMs: 5,
      members: 1,
      lag,
      bufferedBytes: 300,
      maxBufferedBytes: 1000,
      bufferedRecords: 3,
      pausedPartitions: 1,
      partitions: 3,
      inFlight: 2,
      concurrency: 4,
      retries: 0,
      failedAttempts: 0,
      drops: 0,
      overflow: 'pause',
      breaker: 'closed',
      processed: 5,
      duplicates: 0,
    },
    process: { rssBytes: 1 << 26, heapUsedBytes: 1 << 24 },
  }
}

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url)
  return { status: res.status, body: (await res.json()) as T }
}

describe('web console server (no browser)', () => {
  let broker: RunningBroker
  let kafka: Kafka
  let admin: Admin
  let producer: Producer
  let consumer: Consumer
  let consuming: Promise<void>

  beforeAll(async () => {
    broker = await startBroker({ port: 0, logger: 'silent', groupInitialRebalanceDelayMs: 0 })
    kafka = new Kafka({ brokers: broker.bootstrap, logger: 'silent' })
    admin = kafka.admin()
    await admin.createTopics([
      { topic: 'orders', partitions: 3 },
      { topic: 'audit', partitions: 1 },
    ])
    producer = kafka.producer({ lingerMs: 0 })
    const records = (partition: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ partition, value: `r${i}` }))
    await producer.send({ topic: 'orders', messages: [...records(0, 10), ...records(1, 20)] })
    await producer.send({ topic: 'audit', messages: records(0, 5) })
    await admin.deleteRecords([{ topic: 'orders', partition: 1, before: 5n }])
    // a group with no members whose lag is known: 10 - 4 on partition 0, none on 1
    await admin.alterOffsets('audit-readers', [
      { topic: 'orders', partition: 0, offset: 4n },
      { topic: 'orders', partition: 1, offset: 20n },
    ])
    // and one with a live member
    consumer = kafka.consumer({
      groupId: 'billing',
      topics: ['audit'],
      fromBeginning: true,
      commitIntervalMs: 100,
    })
    let handled = 0
    consuming = consumer.run(async () => {
      handled++
    })
    // billing has read and committed everything: its lag is 0, so the sums below are known
    const committed = async () => (await admin.fetchOffsets('billing'))[0]?.offset
    const deadline = Date.now() + 10_000
    while ((handled < 5 || (await committed()) !== 5n) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect([handled, await committed()]).toEqual([5, 5n])
  })

  afterAll(async () => {
    await consumer?.close()
    await consuming
    await producer?.close()
    await admin?.close()
    await broker?.close()
  })

  it('answers brokers, topics with their offsets, and groups with members and lag per partition', async () => {
    const console = await startConsole({ kafka })
    try {
      expect(console.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
      const cluster = await getJson<{ brokers: { port: number }[] }>(`${console.url}api/cluster`)
      expect(cluster.status).toBe(200)
      expect(cluster.body.brokers.map((b) => b.port)).toEqual([Number(broker.bootstrap.split(':')[1])])

      const topics = await getJson<TopicsView>(`${console.url}api/topics`)
      expect(topics.status).toBe(200)
      expect(topics.body.truncated).toBe(false)
      const orders = topics.body.topics.find((t) => t.topic === 'orders')
      expect(
        orders?.partitions.map(({ partition, earliest, latest }) => ({ partition, earliest, latest })),
      ).toEqual([
        { partition: 0, earliest: 0, latest: 10 },
        { partition: 1, earliest: 5, latest: 20 },
        { partition: 2, earliest: 0, latest: 0 },
      ])
      expect(orders?.partitions[0].leader).toBe(orders?.partitions[0].replicas[0])
      expect(topics.body.topics.map((t) => t.topic).sort()).toEqual(['audit', 'orders'])

      const groups = await getJson<GroupsView>(`${console.url}api/groups`)
      expect(groups.status).toBe(200)
      const readers = groups.body.groups.find((g) => g.groupId === 'audit-readers')
      expect(readers?.state).toBe('Empty')
      expect(readers?.members).toEqual([])
      expect(
        readers?.partitions.map(({ partition, committed, logEnd, lag }) => ({
          partition,
          committed,
          logEnd,
          lag,
        })),
      ).toEqual([
        { partition: 0, committed: 4, logEnd: 10, lag: 6 },
        { partition: 1, committed: 20, logEnd: 20, lag: 0 },
      ])
      expect(readers?.totalLag).toBe(6)
      const billing = groups.body.groups.find((g) => g.groupId === 'billing')
      expect(billing?.state).toBe('Stable')
      expect(billing?.members).toHaveLength(1)
      expect(billing?.members[0].assignment).toEqual([{ topic: 'audit', partition: 0 }])
      expect(billing?.partitions[0].memberId).toBe(billing?.members[0].memberId)

      expect((await fetch(`${console.url}api/nothing`)).status).toBe(404)
      expect((await fetch(`${console.url}api/topics`, { method: 'POST' })).status).toBe(405)
    } finally {
      await console.close()
    }
  })

  it('pushes the feed: its history on connect, then each snapshot; turns away clients past the limit', async () => {
    const feed = new LiveFeed()
    const t0 = Date.now()
    feed.publish(snapshot(t0, 100, 7))
    feed.publish(snapshot(t0 + 1000, 200, 8))
    const console = await startConsole({ kafka, feed, maxClients: 1 })
    const page = await SseClient.connect(`${console.url}api/events`)
    try {
      expect(page.status).toBe(200)
      const history = (await page.waitFor((e) => e.event === 'history')).data as ConsoleSample[]
      expect(history.map((s) => [s.source, s.producedPerSecond, s.consumedPerSecond, s.lag])).toEqual([
        ['demo', 100, 50, 7],
        ['demo', 200, 100, 8],
      ])
      // the page shows only the latest whole snapshot: older points travel without it
      expect(history.map((s) => s.live?.consumer.breaker ?? null)).toEqual([null, 'closed'])
      expect(history[1].backpressure).toEqual({
        consumerBufferedBytes: 300,
        consumerMaxBufferedBytes: 1000,
        producerBufferBytesUsed: 1024,
        producerBufferBytesTotal: 4096,
        pausedPartitions: 1,
        partitions: 3,
      })

      const second = await SseClient.connect(`${console.url}api/events`)
      expect(second.status).toBe(503)
      second.close()

      feed.publish(snapshot(t0 + 2000, 300, 9))
      const pushed = (await page.waitFor((e) => e.event === 'sample')).data as ConsoleSample
      expect([pushed.producedPerSecond, pushed.lag, pushed.live?.consumer.breaker]).toEqual([
        300,
        9,
        'closed',
      ])
    } finally {
      page.close()
      await console.close()
    }
  })

  it('without a feed polls the cluster: rates from offset deltas and lag from the groups', async () => {
    await admin.alterOffsets('mover', [{ topic: 'audit', partition: 0, offset: 0n }])
    const console = await startConsole({ kafka, pollIntervalMs: 150 })
    const page = await SseClient.connect(`${console.url}api/events`)
    try {
      const first = (await page.waitFor((e) => e.event === 'sample')).data as ConsoleSample
      expect(first.source).toBe('cluster')
      expect(first.backpressure).toBeNull()
      // audit-readers 6 behind, mover 5 (billing has read everything)
      expect(first.lag).toBe(11)
      await producer.send({
        topic: 'orders',
        messages: Array.from({ length: 40 }, (_, i) => ({ partition: 2, value: `${i}` })),
      })
      await admin.alterOffsets('mover', [{ topic: 'audit', partition: 0, offset: 5n }])
      const moving = (await page.waitFor((e) => e.event === 'sample' && (e.data as ConsoleSample).lag === 6))
        .data as ConsoleSample
      const samples = page.events.filter((e) => e.event === 'sample').map((e) => e.data as ConsoleSample)
      expect(samples.some((s) => s.producedPerSecond > 0)).toBe(true)
      expect(samples.some((s) => s.consumedPerSecond > 0)).toBe(true)
      expect(moving.lag).toBe(6)
    } finally {
      page.close()
      await console.close()
    }
  })

  it('close() ends the streams, stops polling and leaves no timer or socket behind', async () => {
    // in a process of its own, which exits by itself only if nothing is left running
    const child = spawn(process.execPath, ['--import', 'tsx', CLOSE_CHILD, broker.bootstrap], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
    })
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000)
    try {
      const code = await exited
      expect(output.trim()).toBe('closed {"refused":true}')
      expect(code).toBe(0)
    } finally {
      clearTimeout(timeout)
      child.kill('SIGKILL')
    }
  })

  it('option errors name the option', async () => {
    await expect(startConsole({ kafka, port: 70000 })).rejects.toThrow(/port must be an integer/)
    await expect(startConsole({ kafka, pollIntervalMs: 5 })).rejects.toThrow(/pollIntervalMs/)
    await expect(startConsole({ kafka: {} as Kafka })).rejects.toThrow(/kafka must be a Kafka/)
  })

  it('serves only the built files it read at start, and knows when the page is not built', () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-assets-'))
    try {
      expect(loadAssets([dir]).dir).toBeNull()
      writeFileSync(join(dir, 'index.html'), '<!doctype html>')
      writeFileSync(join(dir, 'main.js'), 'export {}')
      writeFileSync(join(dir, 'notes.txt'), 'not served')
      const assets = loadAssets([join(dir, 'missing'), dir])
      expect(assets.dir).toBe(dir)
      expect([...assets.files.keys()].sort()).toEqual(['index.html', 'main.js'])
      expect(assets.files.get('main.js')?.type).toBe('text/javascript; charset=utf-8')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
