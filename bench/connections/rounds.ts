import type { ConnectionScenarioResult } from './scenario.js'

/**
 * Pools the rounds of one scenario: records, requests, time and CPU add up,
 * latencies are pooled, memory keeps the highest reading of any round (the
 * question is whether it stays bounded), and idle connections the worst
 * round's count. Rounds of the two scenarios alternate, so a burst of other
 * work on the machine falls on both rather than on whichever ran then.
 */
export function poolRounds(rounds: readonly ConnectionScenarioResult[]): ConnectionScenarioResult {
  if (rounds.length === 0) throw new Error('no rounds to pool')
  const partitions = rounds[0].load.acknowledged.length
  const sum = (f: (r: ConnectionScenarioResult) => number) => rounds.reduce((total, r) => total + f(r), 0)
  const max = (f: (r: ConnectionScenarioResult) => number) => Math.max(...rounds.map(f))
  const min = (f: (r: ConnectionScenarioResult) => number) => Math.min(...rounds.map(f))
  return {
    idleOpened: min((r) => r.idleOpened),
    idleOpenAtEnd: min((r) => r.idleOpenAtEnd),
    idleAnsweringAtEnd: min((r) => r.idleAnsweringAtEnd),
    load: {
      acknowledged: Array.from({ length: partitions }, (_, p) => sum((r) => r.load.acknowledged[p])),
      requests: sum((r) => r.load.requests),
      latenciesMs: rounds.flatMap((r) => r.load.latenciesMs),
    },
    probe: {
      latenciesMs: rounds.flatMap((r) => r.probe.latenciesMs),
      records: sum((r) => r.probe.records),
    },
    seconds: sum((r) => r.seconds),
    memory: {
      idle: max((r) => r.memory.idle),
      withIdle: max((r) => r.memory.withIdle),
      peakUnderLoad: max((r) => r.memory.peakUnderLoad),
      afterLoad: max((r) => r.memory.afterLoad),
    },
    brokerCpuSeconds: sum((r) => r.brokerCpuSeconds),
    loadCpuSeconds: sum((r) => r.loadCpuSeconds),
  }
}
