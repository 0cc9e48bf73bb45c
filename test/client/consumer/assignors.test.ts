import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { TopicPartition } from '../../../src/client/admin/admin-types.js'
import type { MemberSubscription } from '../../../src/client/consumer/assignors/assignor.js'
import { cooperativeStickyAssignor } from '../../../src/client/consumer/assignors/cooperative-sticky-assignor.js'
import { rangeAssignor } from '../../../src/client/consumer/assignors/range-assignor.js'
import { roundRobinAssignor } from '../../../src/client/consumer/assignors/round-robin-assignor.js'

const member = (
  memberId: string,
  topics: string[],
  owned: TopicPartition[] = [],
  generation = -1,
): MemberSubscription => ({
  memberId,
  groupInstanceId: null,
  topics,
  ownedPartitions: owned,
  generation,
})

const names = (tps: readonly TopicPartition[]) => tps.map((tp) => `${tp.topic}-${tp.partition}`)

describe('range assignor', () => {
  it('gives each member a contiguous range per topic, extras to the first (as the Java RangeAssignor)', () => {
    const result = rangeAssignor.assign(
      [member('c2', ['a', 'b']), member('c1', ['a', 'b']), member('c3', ['a'])],
      new Map([
        ['a', 7],
        ['b', 2],
      ]),
    )
    expect(names(result.get('c1')!)).toEqual(['a-0', 'a-1', 'a-2', 'b-0'])
    expect(names(result.get('c2')!)).toEqual(['a-3', 'a-4', 'b-1'])
    expect(names(result.get('c3')!)).toEqual(['a-5', 'a-6'])
  })
})

describe('round-robin assignor', () => {
  it('deals every partition in turn, skipping members that do not subscribe', () => {
    const result = roundRobinAssignor.assign(
      [member('c1', ['a', 'b']), member('c2', ['a']), member('c3', ['b'])],
      new Map([
        ['a', 3],
        ['b', 3],
      ]),
    )
    expect(names(result.get('c1')!)).toEqual(['a-0', 'a-2', 'b-1'])
    expect(names(result.get('c2')!)).toEqual(['a-1'])
    expect(names(result.get('c3')!)).toEqual(['b-0', 'b-2'])
  })
})

describe('cooperative-sticky assignor', () => {
  it('writes its generation as the Java and librdkafka assignors do', () => {
    expect(cooperativeStickyAssignor.userData(7)).toEqual(Buffer.from([0, 0, 0, 7]))
  })

  it('keeps owned partitions and withholds the ones that move until their owner revokes them', () => {
    const topics = new Map([['t', 6]])
    const first = cooperativeStickyAssignor.assign([member('a', ['t'])], topics)
    expect(names(first.get('a')!)).toEqual(['t-0', 't-1', 't-2', 't-3', 't-4', 't-5'])
    // b joins: a keeps three, and the three that go to b are withheld this round
    const second = cooperativeStickyAssignor.assign(
      [member('a', ['t'], first.get('a')!, 1), member('b', ['t'])],
      topics,
    )
    expect(second.get('a')!.length).toBe(3)
    expect(second.get('b')).toEqual([])
    // a revoked what it lost; the follow-up rebalance hands it to b
    const third = cooperativeStickyAssignor.assign(
      [member('a', ['t'], second.get('a')!, 2), member('b', ['t'], [], 2)],
      topics,
    )
    expect(third.get('a')).toEqual(second.get('a'))
    expect(third.get('b')!.length).toBe(3)
  })

  it('never gives a partition twice, settles in a few rounds, and is then complete and balanced, for any group', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('x', 'y', 'z'), { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.subarray(['x', 'y', 'z'], { minLength: 1 }), { minLength: 1, maxLength: 6 }),
        fc.infiniteStream(fc.nat()),
        (_topics, counts, subscriptions, picks) => {
          const topics = new Map([
            ['x', counts[0]],
            ['y', counts[1]],
            ['z', counts[2]],
          ])
          const pick = picks[Symbol.iterator]()
          // a random previous owner for some partitions, among the members that subscribe
          const owned = new Map<string, TopicPartition[]>(subscriptions.map((_, i) => [`m${i}`, []]))
          for (const [topic, count] of topics) {
            for (let partition = 0; partition < count; partition++) {
              const candidates = subscriptions.map((s, i) => ({ s, i })).filter(({ s }) => s.includes(topic))
              if (candidates.length === 0 || pick.next().value % 3 === 0) continue
              const { i } = candidates[pick.next().value % candidates.length]
              owned.get(`m${i}`)!.push({ topic, partition })
            }
          }
          const round1 = cooperativeStickyAssignor.assign(
            subscriptions.map((s, i) => member(`m${i}`, s, owned.get(`m${i}`)!, 1)),
            topics,
          )
          const given = [...round1.values()].flat().map((tp) => `${tp.topic}-${tp.partition}`)
          expect(new Set(given).size).toBe(given.length)
          // members keep what they owned unless it was given away
          for (const [id, parts] of round1) {
            for (const tp of parts) expect(subscriptions[Number(id.slice(1))]).toContain(tp.topic)
          }
          // each round's owners are the previous round's assignment: a few rounds settle everything
          let round = round1
          let rounds = 1
          for (; rounds < 6; rounds++) {
            const next = cooperativeStickyAssignor.assign(
              subscriptions.map((s, i) => member(`m${i}`, s, round.get(`m${i}`)!, rounds + 1)),
              topics,
            )
            const handed = [...next.values()].flat().map((tp) => `${tp.topic}-${tp.partition}`)
            expect(new Set(handed).size).toBe(handed.length)
            const same = JSON.stringify([...next]) === JSON.stringify([...round])
            round = next
            if (same) break
          }
          expect(rounds).toBeLessThan(6)
          const all = [...topics].flatMap(([topic, count]) =>
            subscriptions.some((s) => s.includes(topic))
              ? Array.from({ length: count }, (_, p) => `${topic}-${p}`)
              : [],
          )
          expect(
            [...round.values()]
              .flat()
              .map((tp) => `${tp.topic}-${tp.partition}`)
              .sort(),
          ).toEqual(all.sort())
          // with equal subscriptions, counts differ by at most one
          if (subscriptions.every((s) => [...s].sort().join() === [...subscriptions[0]].sort().join())) {
            // the common case: one rebalance to revoke what moves, one to hand it over
            expect(rounds).toBeLessThanOrEqual(3)
            const sizes = [...round.values()].map((p) => p.length)
            expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
          }
        },
      ),
    )
  })
})
