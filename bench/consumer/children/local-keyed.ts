import { runChild } from '../../support/child-runtime.js'
import { KeyedWork } from './keyed-handler.js'
import type { KeyedConfig, KeyedReport } from './keyed-protocol.js'

/**
 * The control of the key-ordered part: the same records and work with no
 * Kafka at all, scheduled as well as a key-ordered scheduler can be (all
 * records known up front, a key's next record starts the moment its last
 * one finishes if a slot is free). It runs in a process like the clients',
 * at the same moment, so the time the loaded machine adds to the simulated
 * work lands on it too: Sluice over this is what the consumer itself costs.
 */

await runChild(async (config: KeyedConfig): Promise<KeyedReport> => {
  const work = new KeyedWork(config)
  const queues: number[][] = Array.from({ length: config.keys }, () => [])
  for (let seq = 0; seq < config.records; seq++) queues[seq % config.keys].push(seq)
  const heads = new Int32Array(config.keys)
  // keys whose next record may start, in the order they became free
  const ready: number[] = queues.flatMap((q, key) => (q.length > 0 ? [key] : []))
  let readyHead = 0
  let running = 0
  const pump = (): void => {
    while (running < config.concurrency && readyHead < ready.length) {
      const key = ready[readyHead++]
      const seq = queues[key][heads[key]++]
      running++
      void work.handle(seq).then(() => {
        running--
        if (heads[key] < queues[key].length) ready.push(key)
        pump()
      })
    }
  }
  pump()
  await work.done
  return work.report(`in-memory key chains, concurrency ${config.concurrency}, no Kafka`)
})
