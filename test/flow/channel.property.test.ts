import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Channel, type ChannelStats, type DropReason, type OverflowStrategy } from '../../src/flow/channel.js'
import { ChannelClosedError } from '../../src/flow/errors.js'

interface Item {
  producer: number
  seq: number
  size: number
  key: number
  /** Order in which sends were called, across all producers. */
  call?: number
}

function droppedTotal(stats: ChannelStats): number {
  return stats.dropped.oldest + stats.dropped.newest + stats.dropped.conflated + stats.dropped.aborted
}

function checkBounds(ch: Channel<Item>, capacity: number, capacityBytes: number): void {
  const stats = ch.stats()
  expect(stats.depth).toBeLessThanOrEqual(capacity)
  expect(stats.bytes).toBeLessThanOrEqual(capacityBytes)
  expect(stats.maxDepth).toBeLessThanOrEqual(capacity)
  expect(stats.maxBytes).toBeLessThanOrEqual(capacityBytes)
  expect(stats.sent).toBe(stats.received + stats.depth + droppedTotal(stats))
}

type ConsumerMode = 'receive' | 'batch' | 'iterate' | 'try'

describe('Channel properties (fast-check, random interleaving)', () => {
  it("under 'suspend' nothing is lost, duplicated or reordered, and the bounds hold at every step", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 6 }),
        fc.option(fc.integer({ min: 4, max: 24 }), { nil: undefined }),
        fc.array(
          fc.array(fc.record({ size: fc.integer({ min: 0, max: 8 }), abort: fc.boolean() }), {
            maxLength: 12,
          }),
          { minLength: 1, maxLength: 3 },
        ),
        fc.array(fc.constantFrom<ConsumerMode>('receive', 'batch', 'iterate', 'try'), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.integer({ min: 1, max: 4 }),
        async (s, capacity, capacityBytes, producers, consumers, batchMax) => {
          const bytesLimit = capacityBytes ?? Number.POSITIVE_INFINITY
          const ch = new Channel<Item>({
            capacity,
            capacityBytes,
            sizeOf: capacityBytes === undefined ? undefined : (item) => item.size,
          })
          const check = () => checkBounds(ch, capacity, bytesLimit)
          const pause = (label: string) => s.schedule(Promise.resolve(), label).then(check)
          const accepted = new Set<string>()
          const refused = new Set<string>()
          const received: Item[][] = consumers.map(() => [])
          let calls = 0

          const produce = async (producer: number, plan: { size: number; abort: boolean }[]) => {
            for (let seq = 0; seq < plan.length; seq++) {
              // an item larger than the whole channel is refused outright (tested elsewhere)
              const item = { producer, seq, size: Math.min(plan[seq].size, bytesLimit), key: 0 }
              await pause(`p${producer} before ${seq}`)
              // some sends give up at a random moment; those items must never show up
              const controller = plan[seq].abort ? new AbortController() : undefined
              if (controller !== undefined) {
                s.schedule(Promise.resolve(), `abort p${producer}:${seq}`).then(() => controller.abort())
              }
              try {
                const withCall = { ...item, call: calls++ }
                if (controller === undefined && plan[seq].size % 2 === 0) {
                  // the fast path for producers must keep the same order as send
                  ch.trySend(withCall) || (await ch.send(withCall))
                } else {
                  await ch.send(withCall, { signal: controller?.signal })
                }
                accepted.add(`${producer}:${seq}`)
              } catch (error) {
                expect((error as Error).name).toBe('AbortError')
                refused.add(`${producer}:${seq}`)
              }
              check()
            }
          }
          const consume = async (index: number, mode: ConsumerMode) => {
            const out = received[index]
            if (mode === 'iterate') {
              for await (const item of ch) {
                out.push(item)
                await pause(`c${index} iterate`)
              }
              return
            }
            for (;;) {
              await pause(`c${index} ${mode}`)
              if (mode === 'receive') {
                try {
                  out.push(await ch.receive())
                } catch (error) {
                  expect(error).toBeInstanceOf(ChannelClosedError)
                  return
                }
              } else {
                const ready = mode === 'try' ? ch.tryReceiveBatch(batchMax) : []
                const batch = ready.length > 0 ? ready : await ch.receiveBatch(batchMax)
                if (batch.length === 0) return
                expect(batch.length).toBeLessThanOrEqual(batchMax)
                out.push(...batch)
              }
              check()
            }
          }

          const producing = Promise.all(producers.map((plan, p) => produce(p, plan))).then(() => ch.close())
          const consuming = Promise.all(consumers.map((mode, c) => consume(c, mode)))
          await s.waitFor(Promise.all([producing, consuming]))

          const all = received.flat().map((item) => `${item.producer}:${item.seq}`)
          expect(new Set(all).size).toBe(all.length)
          expect(new Set(all)).toEqual(accepted)
          for (const key of refused) expect(accepted.has(key)).toBe(false)
          // first in, first out: every consumer gets items in the order their sends were called
          for (const items of received) {
            const order = items.map((item) => item.call!)
            expect(order).toEqual([...order].sort((a, b) => a - b))
          }
          const stats = ch.stats()
          expect(stats).toMatchObject({ depth: 0, bytes: 0, sent: accepted.size, received: accepted.size })
          expect(droppedTotal(stats)).toBe(0)
        },
      ),
      { numRuns: 150 },
    )
  })
})

/**
 * A plain-array model of the non-waiting strategies, written for clarity
 * rather than speed; the channel must agree with it after every command.
 */
class ChannelModel {
  items: Item[] = []
  dropped: [Item, DropReason][] = []
  sent = 0

  constructor(
    readonly strategy: OverflowStrategy,
    readonly capacity: number,
    readonly capacityBytes: number,
    readonly keyed: boolean,
  ) {}

  get bytes(): number {
    return this.items.reduce((sum, item) => sum + item.size, 0)
  }

  private fits(size: number): boolean {
    return this.items.length < this.capacity && this.bytes + size <= this.capacityBytes
  }

  /** What trySend should return. */
  send(item: Item): boolean {
    switch (this.strategy) {
      case 'drop-oldest':
        while (!this.fits(item.size)) this.dropped.push([this.items.shift()!, 'oldest'])
        this.items.push(item)
        this.sent++
        return true
      case 'drop-newest':
        this.sent++
        if (this.fits(item.size)) this.items.push(item)
        else this.dropped.push([item, 'newest'])
        return true
      case 'latest': {
        const key = this.keyed ? item.key : 0
        const index = this.items.findIndex((held) => (this.keyed ? held.key : 0) === key)
        if (index >= 0) {
          const old = this.items[index]
          if (this.bytes - old.size + item.size <= this.capacityBytes) {
            this.items[index] = item
            this.dropped.push([old, 'conflated'])
            this.sent++
            return true
          }
          this.items.splice(index, 1)
          this.dropped.push([old, 'conflated'])
        }
        if (!this.fits(item.size)) return false
        this.items.push(item)
        this.sent++
        return true
      }
      default:
        if (!this.fits(item.size)) return false
        this.items.push(item)
        this.sent++
        return true
    }
  }

  receive(max: number): Item[] {
    return this.items.splice(0, max)
  }
}

describe('Channel drop accounting (fast-check, model-based)', () => {
  const command = fc.oneof(
    fc.record({
      kind: fc.constant('send' as const),
      key: fc.integer({ min: 0, max: 3 }),
      size: fc.integer({ min: 0, max: 6 }),
    }),
    fc.record({ kind: fc.constant('receive' as const), max: fc.integer({ min: 1, max: 4 }) }),
  )

  it('drops exactly what the strategy says, reports every drop to onDrop, and never exceeds the bounds', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<[OverflowStrategy, boolean]>(
          ['drop-oldest', false],
          ['drop-newest', false],
          ['latest', false],
          ['latest', true],
          ['error', false],
          ['suspend', false],
        ),
        fc.integer({ min: 1, max: 5 }),
        fc.option(fc.integer({ min: 6, max: 20 }), { nil: undefined }),
        fc.array(command, { maxLength: 60 }),
        ([strategy, keyed], capacity, capacityBytes, commands) => {
          const bytesLimit = capacityBytes ?? Number.POSITIVE_INFINITY
          const reported: [Item, DropReason][] = []
          const ch = new Channel<Item>({
            capacity,
            capacityBytes,
            sizeOf: capacityBytes === undefined ? undefined : (item) => item.size,
            overflow: strategy,
            keyOf: keyed ? (item) => item.key : undefined,
            onDrop: (item, reason) => reported.push([item, reason]),
          })
          const model = new ChannelModel(strategy, capacity, bytesLimit, keyed)
          const received: Item[] = []
          let seq = 0
          for (const cmd of commands) {
            if (cmd.kind === 'send') {
              const item = {
                producer: 0,
                seq: seq++,
                size: capacityBytes === undefined ? 0 : cmd.size,
                key: cmd.key,
              }
              expect(ch.trySend(item)).toBe(model.send(item))
            } else {
              const got = ch.tryReceiveBatch(cmd.max)
              expect(got).toEqual(model.receive(cmd.max))
              received.push(...got)
            }
            checkBounds(ch, capacity, bytesLimit)
            expect(reported).toEqual(model.dropped)
          }
          const stats = ch.stats()
          expect(stats.sent).toBe(model.sent)
          expect(stats.depth).toBe(model.items.length)
          for (const reason of ['oldest', 'newest', 'conflated', 'aborted'] as const) {
            expect(stats.dropped[reason]).toBe(reported.filter(([, r]) => r === reason).length)
          }
          // everything accepted is accounted for exactly once: received, dropped or still held
          ch.abort()
          const seen = [...received, ...reported.map(([item]) => item)]
            .map((item) => item.seq)
            .sort((a, b) => a - b)
          expect(new Set(seen).size).toBe(seen.length)
          expect(seen.length).toBe(model.sent)
        },
      ),
      { numRuns: 500 },
    )
  })
})
