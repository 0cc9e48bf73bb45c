import { describe, expect, it } from 'vitest'
import { startBroker } from '../../../src/broker/index.js'
import { ClientClosedError, Kafka } from '../../../src/index.js'

/** Sockets and timers the process holds (the test runner's own pipes left out). */
function handles(): string[] {
  return process.getActiveResourcesInfo().filter((h) => h === 'TCPSocketWrap' || h === 'Timeout')
}

const count = (list: string[], kind: string) => list.filter((h) => h === kind).length

describe('admin.close()', () => {
  it('leaves no socket and no timer behind, and refuses calls afterwards', async () => {
    const broker = await startBroker({ port: 0, logger: 'silent' })
    const baseline = handles()
    const admin = new Kafka({ brokers: broker.bootstrap, logger: 'silent' }).admin()
    await admin.createTopics([{ topic: 'close-test', partitions: 2 }])
    await admin.listOffsets([{ topic: 'close-test', partition: 1, at: 'latest' }])
    await admin.describeGroups(['g'])
    expect(handles().length).toBeGreaterThan(baseline.length)
    await admin.close()
    // the broker's side of each socket closes once it reads the hang-up: a few event-loop turns, more on a busy machine
    const settled = () => count(handles(), 'TCPSocketWrap') <= count(baseline, 'TCPSocketWrap')
    for (let i = 0; i < 300 && !settled(); i++) await new Promise((r) => setTimeout(r, 10))
    expect(count(handles(), 'TCPSocketWrap')).toBe(count(baseline, 'TCPSocketWrap'))
    // no timer of the client's is left: at most the broker's own remain
    expect(count(handles(), 'Timeout')).toBeLessThanOrEqual(count(baseline, 'Timeout'))
    await expect(admin.listTopics()).rejects.toBeInstanceOf(ClientClosedError)
    await broker.close()
  })

  it('ends calls in progress with ClientClosedError, promptly', async () => {
    const admin = new Kafka({ brokers: '127.0.0.1:9', logger: 'silent', connectionTimeoutMs: 60_000 }).admin()
    const pending = admin.listTopics()
    await admin.close()
    await expect(pending).rejects.toBeInstanceOf(ClientClosedError)
  })
})
