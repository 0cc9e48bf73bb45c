import { fork } from 'node:child_process'
import { Apis, allApis } from '../../src/protocol/messages/index.js'
import { WireClient } from '../../test/broker/support/wire-client.js'
import { versionsOf } from '../../test/protocol/support/message-arbitrary.js'
import { FrameFuzzer, sampleBaseFrames, sampleMutations } from '../../test/support/frame-fuzz.js'
import { AttackStats, runAttacker } from './attacker.js'
import { HealthyClient } from './healthy-client.js'
import { seedFrames } from './seed-frames.js'
const child = fork('bench/soak/scratch-broker-child.ts', [], { execArgv: ['--expose-gc', '--import', 'tsx'] })
const ask = (m: any) => new Promise<any>((r) => { child.once('message', r); child.send(m) })
const { bootstrap } = await new Promise<any>((r) => child.once('message', r))
const [host, port] = bootstrap.split(':')
const c = await WireClient.connect(bootstrap)
const created = await c.send(Apis.CreateTopics, 7, { topics: [{ name: 'soak-target', numPartitions: 3, replicationFactor: 1 }], timeoutMs: 1000 })
const versions = new Map(allApis.map((a) => [a, versionsOf(a.request)]))
const bases = allApis.flatMap((api, i) => versionsOf(api.request).flatMap((v) => sampleBaseFrames(api, v, 16, i * 100 + v)))
const seeds = seedFrames(versions, { topic: 'soak-target', topicId: created.topics[0].topicId, partitions: 3, group: 'soak-group' })
for (let i = 0; i < 4; i++) bases.push(...seeds)
const mutations = sampleMutations(20000, 3)
const stats = new AttackStats()
const healthy = new HealthyClient(bootstrap, { topic: 'healthy-x', partitions: 3, maxBatchRecords: 40 })
await healthy.setUp()
const fuzzers = Array.from({ length: 6 }, (_, i) => new FrameFuzzer(bases, mutations, i + 1))
const useHealthy = process.env.HEALTHY !== '0'
const phase = async (n: number) => { const budget = { remaining: n }; let over = false; const h = useHealthy ? healthy.run(() => over) : Promise.resolve(); await Promise.all(fuzzers.map((fuzzer) => runAttacker({ host, port: Number(port), fuzzer, budget, stats, answerTimeoutMs: 100, halted: () => false }))); over = true; await h }
const snaps = (process.env.SNAPS ?? '').split(',').filter(Boolean).map(Number)
for (let step = 1; step <= Number(process.env.STEPS ?? 6); step++) {
  await phase(Number(process.env.STEP ?? 50000))
  await new Promise((r) => setTimeout(r, 500))
  const { heap } = await ask('gc')
  console.log(step, stats.thrown, (heap / 1048576).toFixed(2), 'MiB', healthy.stats.recordsVerified, healthy.stats.errors)
  if (snaps.includes(step)) console.log(await ask({ snapshot: `/tmp/soakprof/heap-${step}.heapsnapshot` }))
}
await ask('stop')
