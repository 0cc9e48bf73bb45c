import { describe, expect, it } from 'vitest'
import type { ProducerRecord, RecordAppender } from '../../../src/client/producer/producer-record.js'
import type { CompletionSink } from '../../../src/client/producer/record-metadata.js'
import { sendAll } from '../../../src/client/producer/send-all.js'

/** An appender whose records complete only when the test says so. */
class HeldAppender implements RecordAppender {
  readonly taken: { record: ProducerRecord; sink: CompletionSink; token: number; topic?: string }[] = []
  append(record: ProducerRecord, sink: CompletionSink, token: number, defaultTopic?: string) {
    if (record.value === 'refuse') throw new Error('refused at once')
    this.taken.push({ record, sink, token, topic: record.topic ?? defaultTopic })
    return undefined
  }
  complete(i: number) {
    const t = this.taken[i]
    t.sink.complete(t.token, { topic: 't', partition: 0, offset: BigInt(i), timestamp: 0 })
  }
  fail(i: number, message: string) {
    this.taken[i].sink.fail(this.taken[i].token, new Error(message))
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('sendAll', () => {
  it('never reads the source past maxInFlight, and yields in source order', async () => {
    const appender = new HeldAppender()
    let read = 0
    function* source() {
      for (let i = 0; i < 10; i++) {
        read++
        yield { topic: 't', value: `v${i}` }
      }
    }
    const results = sendAll(appender, source(), { maxInFlight: 3 })
    const first = results.next()
    await tick()
    expect(read).toBe(3)
    // later records finish first; the result for the first still comes first
    appender.complete(2)
    appender.complete(1)
    await tick()
    expect(read).toBe(3)
    appender.complete(0)
    expect((await first).value).toMatchObject({ record: { value: 'v0' }, metadata: { offset: 0n } })
    expect((await results.next()).value).toMatchObject({ metadata: { offset: 1n } })
    expect((await results.next()).value).toMatchObject({ metadata: { offset: 2n } })
    const fourth = results.next()
    await tick()
    expect(read).toBe(6)
    // the window stays at three: records 6-8 are read only as 3-5 are yielded
    let completed = 3
    const completer = setInterval(() => {
      while (completed < appender.taken.length) appender.complete(completed++)
    }, 1)
    const rest = [(await fourth).value]
    for await (const r of results) rest.push(r)
    clearInterval(completer)
    expect(rest.map((r) => r?.metadata?.offset)).toEqual([3n, 4n, 5n, 6n, 7n, 8n, 9n])
  })

  it('yields failures in their place, or stops at the first with stopOnError', async () => {
    const source = [
      { topic: 't', value: 'a' },
      { topic: 't', value: 'refuse' },
      { topic: 't', value: 'c' },
    ]
    const appender = new HeldAppender()
    const all = sendAll(appender, source)
    const collected: unknown[] = []
    const done = (async () => {
      for await (const r of all) collected.push(r.error?.message ?? r.metadata?.offset)
    })()
    await tick()
    appender.complete(0)
    appender.fail(1, 'broker said no')
    await done
    expect(collected).toEqual([0n, 'refused at once', 'broker said no'])

    const stopping = new HeldAppender()
    const stop = sendAll(stopping, source, { stopOnError: true })
    const outcome = (async () => {
      const seen: unknown[] = []
      for await (const r of stop) seen.push(r.metadata?.offset)
      return seen
    })()
    await tick()
    stopping.complete(0)
    await expect(outcome).rejects.toThrow('refused at once')
  })

  it('gives records without a topic the option’s topic', async () => {
    const appender = new HeldAppender()
    const all = sendAll(appender, [{ value: 'x' }], { topic: 'default-topic' })
    const next = all.next()
    await tick()
    expect(appender.taken[0].topic).toBe('default-topic')
    appender.complete(0)
    expect((await next).value?.record.topic).toBe('default-topic')
  })
})
