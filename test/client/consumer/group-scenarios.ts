import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import type { Consumer, ConsumerOptions, Producer } from '../../../src/index.js'
import { describeEachTarget, type TargetName } from '../../kafka/targets.js'
import { ClientHarness } from '../support/client-for.js'
import { until } from './consumer-scenarios.js'

interface Seen {
  value: number
  key: string
  member: string
}

/**
 * Consumer groups under change, one body per target: members joining and
 * leaving while records flow (cooperative-sticky and eager range), a handler
 * much slower than the session timeout, and a static member restarting.
 */
export function groupScenarios(targets: readonly TargetName[]): void {
  // sessions as short as 1 s, so a handler ten times slower stays quick to test
  const shortSessions = {
    embedded: { groupMinSessionTimeoutMs: 500 },
    kafka: { properties: { 'group.min.session.timeout.ms': '500' } },
  }
  describeEachTarget('consumer groups', { targets, brokers: 1, ...shortSessions }, (target) => {
    const clients = new ClientHarness()
    let producer: Producer
    const consumers: Consumer[] = []
    const unique = (name: string) => `${name}-${Math.random().toString(36).slice(2, 8)}`

    beforeAll(() => {
      producer = clients.producer({ brokers: target().bootstrap }, { lingerMs: 2 })
    })
    afterAll(() => clients.closeAll())
    afterEach(async () => {
      await Promise.all(consumers.splice(0).map((c) => c.close()))
    })

    function member(options: ConsumerOptions): Consumer {
      const c = clients.kafka({ brokers: target().bootstrap }).consumer({
        sessionTimeoutMs: 6_000,
        heartbeatIntervalMs: 300,
        commitIntervalMs: 100,
        rebalanceTimeoutMs: 20_000,
        revokeDrainMs: 5_000,
        ...options,
      })
      consumers.push(c)
      return c
    }

    for (const assignor of ['cooperative-sticky', 'range'] as const) {
      it(`processes every record in key order while three members join and leave (${assignor})`, async () => {
        const topic = unique('g')
        const groupId = unique('group')
        await clients.admin({ brokers: target().bootstrap }).createTopics([{ topic, partitions: 6 }])
        const seen: Seen[] = []
        const revocations: { member: string; partitions: number[]; owned: number[] }[] = []
        const owned = new Map<string, Set<number>>()
        const start = (name: string) => {
          const c = member({
            groupId,
            topics: [topic],
            fromBeginning: true,
            ordering: 'key',
            concurrency: 8,
            assignors: [assignor],
          })
          owned.set(name, new Set())
          c.on('rebalance', (e) => {
            const mine = owned.get(name)!
            if (e.type === 'assigned') for (const tp of e.partitions) mine.add(tp.partition)
            else {
              revocations.push({
                member: name,
                partitions: e.partitions.map((tp) => tp.partition),
                owned: [...mine],
              })
              for (const tp of e.partitions) mine.delete(tp.partition)
            }
          })
          const running = c.run(async (m) => {
            seen.push({ value: Number(m.value), key: String(m.key), member: name })
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 2))
          })
          return { c, running }
        }
        const RECORDS = 6000
        const producing = (async () => {
          for (let i = 0; i < RECORDS; i++) {
            void producer.send({ topic, key: `key-${i % 37}`, value: String(i) })
            if (i % 300 === 299) await new Promise((resolve) => setTimeout(resolve, 40))
          }
          await producer.flush()
        })()
        const a = start('a')
        await until('a to start', () => seen.length > 0)
        const b = start('b')
        await until('b to take partitions', () => owned.get('b')!.size > 0)
        const c = start('c')
        await until('c to take partitions', () => owned.get('c')!.size > 0)
        await b.c.close()
        await b.running
        await producing
        await until('every record', () => new Set(seen.map((s) => s.value)).size === RECORDS, 60_000)
        await Promise.all([a.c.close(), c.c.close()])
        await Promise.all([a.running, c.running])
        // each key's records in the order they were written (a record may be seen again after a rebalance, never before its predecessors)
        const byKey = new Map<string, number[]>()
        for (const s of seen) byKey.set(s.key, [...(byKey.get(s.key) ?? []), s.value])
        for (const values of byKey.values()) {
          const firsts = values.filter((v, i) => values.indexOf(v) === i)
          expect(firsts).toEqual([...firsts].sort((x, y) => x - y))
        }
        if (assignor === 'cooperative-sticky') {
          // only partitions that moved were revoked: a member never gave up everything at a join
          const atJoins = revocations.filter((r) => r.member !== 'b')
          for (const r of atJoins) expect(r.partitions.length).toBeLessThan(r.owned.length)
        }
      })
    }

    it('does not rebalance when a handler is much slower than the session timeout', async () => {
      const topic = unique('slow')
      const groupId = unique('group')
      await clients.admin({ brokers: target().bootstrap }).createTopics([{ topic, partitions: 1 }])
      const c = member({
        groupId,
        topics: [topic],
        fromBeginning: true,
        sessionTimeoutMs: 1_000,
        heartbeatIntervalMs: 200,
      })
      let rebalances = 0
      c.on('rebalance', (e) => {
        if (e.type !== 'assigned') rebalances++
      })
      let done = 0
      const running = c.run(async () => {
        // 10 s: ten session timeouts; heartbeats go on their own
        await new Promise((resolve) => setTimeout(resolve, 10_000))
        done++
      })
      await until('the assignment', () => c.assignment().length === 1)
      await producer.send({ topic, value: 'slow' })
      await until('the slow record', () => done === 1, 20_000)
      expect(rebalances).toBe(0)
      expect(c.metrics().rebalances).toBe(1)
      await c.close()
      await running
    }, 40_000)

    it('lets a static member restart within the session timeout without a rebalance', async () => {
      const topic = unique('static')
      const groupId = unique('group')
      await clients.admin({ brokers: target().bootstrap }).createTopics([{ topic, partitions: 4 }])
      const options = { groupId, topics: [topic], fromBeginning: true, sessionTimeoutMs: 10_000 }
      const other = member(options)
      const generations: number[] = []
      other.on('rebalance', (e) => generations.push(e.generationId))
      const runOther = other.run(() => {})
      const first = member({ ...options, groupInstanceId: 'instance-1' })
      const runFirst = first.run(() => {})
      await until(
        'two members sharing four partitions',
        () => first.assignment().length === 2 && other.assignment().length === 2,
      )
      // let the assignment events of that rebalance arrive
      await new Promise((resolve) => setTimeout(resolve, 1000))
      const before = first.assignment()
      const seenByOther = generations.length
      await first.close()
      await runFirst
      const again = member({ ...options, groupInstanceId: 'instance-1' })
      const runAgain = again.run(() => {})
      await until('the restarted member', () => again.assignment().length === 2)
      expect(again.assignment().sort((x, y) => x.partition - y.partition)).toEqual(
        before.sort((x, y) => x.partition - y.partition),
      )
      await new Promise((resolve) => setTimeout(resolve, 1000))
      // the other member saw no rebalance
      expect(generations.length).toBe(seenByOther)
      await Promise.all([other.close(), again.close()])
      await Promise.all([runOther, runAgain])
    }, 40_000)
  })
}
