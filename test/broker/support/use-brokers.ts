import { afterEach } from 'vitest'
import { type BrokerOptions, type RunningBroker, startBroker } from '../../../src/broker/index.js'
import { WireClient } from './wire-client.js'

/** Embedded brokers with wire clients, all closed after each test. */
export interface WiredBrokers {
  /** Starts a silent broker on port 0 (with `defaults` unless `options` are given) and connects one client. */
  start(options?: BrokerOptions): Promise<{ broker: RunningBroker; client: WireClient }>
  /** Another connection to `broker`. */
  connect(broker: RunningBroker): Promise<WireClient>
  /** Runs `cleanup` after the test, after closing everything made after it (a data directory, say). */
  defer(cleanup: () => Promise<void>): void
}

/**
 * Registers the afterEach that closes what `start` and `connect` made, newest
 * first (clients before their broker); returns the two.
 */
export function useBrokers(defaults: BrokerOptions = {}): WiredBrokers {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })
  const connect = async (broker: RunningBroker) => {
    const client = await WireClient.connect(broker.bootstrap)
    cleanups.push(() => client.close())
    return client
  }
  return {
    async start(options = defaults) {
      const broker = await startBroker({ port: 0, logger: 'silent', ...options })
      cleanups.push(() => broker.close())
      return { broker, client: await connect(broker) }
    },
    connect,
    defer(cleanup) {
      cleanups.push(cleanup)
    },
  }
}
