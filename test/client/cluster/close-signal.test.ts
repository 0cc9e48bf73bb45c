import { describe, expect, it } from 'vitest'
import { rawCluster } from '../support/raw-client.js'

describe('the cluster close signal', () => {
  it('takes many listeners without a leak warning (each waiting retry or breaker probe is one)', async () => {
    const cluster = rawCluster({ brokers: '127.0.0.1:9' })
    const warnings: Error[] = []
    const onWarning = (warning: Error) => warnings.push(warning)
    process.on('warning', onWarning)
    try {
      for (let i = 0; i < 50; i++) cluster.closeSignal.addEventListener('abort', () => {})
      await new Promise((resolve) => setImmediate(resolve))
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([])
    } finally {
      process.off('warning', onWarning)
      await cluster.close()
    }
  })
})
