// Sensor readings conflated to the latest per sensor. Three sensors report
// every 10 ms; a dashboard redraws every 100 ms and only cares about each
// sensor's current value. A Channel with overflow 'latest' and a key per sensor
// holds at most one reading per sensor: a new reading replaces the unread one
// in place, so the dashboard never works through a backlog of stale values.
//
//   npx tsx examples/flow/sensor-latest.ts
import { Channel, sleep } from '../../src/flow/index.js'

interface Reading {
  sensor: string
  value: number
  at: number
}

const SENSORS = ['boiler', 'intake', 'exhaust']
const started = performance.now()
const elapsed = () => Math.round(performance.now() - started)

const readings = new Channel<Reading>({
  capacity: SENSORS.length,
  overflow: 'latest',
  keyOf: (reading) => reading.sensor,
})

const producing = (async () => {
  for (let tick = 1; tick <= 50; tick++) {
    for (const [i, sensor] of SENSORS.entries()) {
      // a drifting value, different per sensor
      readings.trySend({
        sensor,
        value: 20 * (i + 1) + Math.round(10 * Math.sin(tick / 5 + i)),
        at: elapsed(),
      })
    }
    await sleep(10)
  }
  readings.close()
})()

let frame = 0
for (;;) {
  await sleep(100)
  const current = readings.tryReceiveBatch(SENSORS.length)
  if (current.length === 0 && readings.closed) break
  frame++
  const shown = current.map((r) => `${r.sensor}=${r.value} (read at ${r.at} ms)`).join('  ')
  console.log(`frame ${frame} at ${elapsed()} ms: ${shown}`)
}
await producing

const stats = readings.stats()
console.log(
  `\n${stats.sent} readings sent, ${stats.received} shown, ${stats.dropped.conflated} replaced by a newer ` +
    `reading of the same sensor before anyone looked; at most ${stats.maxDepth} held at once.`,
)
