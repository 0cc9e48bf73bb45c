import { writeHeapSnapshot } from 'node:v8'
import { startBroker } from '../../src/broker/index.js'
const broker = await startBroker({ port: 0, logger: 'silent' })
process.send!({ bootstrap: broker.bootstrap })
process.on('message', (m: any) => {
  if (m === 'gc') {
    for (let i = 0; i < 3; i++) (globalThis as any).gc()
    process.send!({ heap: process.memoryUsage().heapUsed })
  } else if (typeof m === 'object' && m.snapshot) {
    ;(globalThis as any).gc()
    process.send!({ file: writeHeapSnapshot(m.snapshot) })
  } else if (m === 'stop') {
    broker.close().then(() => process.exit(0))
  }
})
