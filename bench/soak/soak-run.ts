import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ApiDefinition } from '../../src/protocol/api.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { Apis, allApis } from '../../src/protocol/messages/index.js'
import { WireClient } from '../../test/broker/support/wire-client.js'
import { versionsOf } from '../../test/protocol/support/message-arbitrary.js'
import {
  type BaseFrame,
  FrameFuzzer,
  sampleBaseFrames,
  sampleMutations,
} from '../../test/support/frame-fuzz.js'
import type { ProcessMemory } from '../broker/proc-stats.js'
import { AttackStats, runAttacker } from './attacker.js'
import { HealthyClient, type HealthyStats } from './healthy-client.js'
import { seedFrames } from './seed-frames.js'
import { type BrokerExit, type BrokerLogTally, SoakBroker } from './soak-broker.js'

/**
 * The soak: a `sluice broker` process, several attacker connections throwing
 * fuzz frames at it (test/support/frame-fuzz.ts) until a frame budget is
 * spent, and one well-behaved client producing and verifying records all
 * the while. The broker's memory is sampled from /proc throughout. Shared
 * by `npm run bench -- soak` (a million frames) and test/soak (a short run).
 */

export interface SoakSettings {
  /** Frames to throw in all. */
  frames: number
  /** Attacker connections open at once. */
  attackers: number
  /** How long an attacker waits for an answer or a close before hanging up. */
  answerTimeoutMs: number
  /** Seeds the pools and the attackers' choices; a run is reproducible from it (timing aside). */
  seed: number
  /** Valid requests drawn per API version for the pool. */
  basesPerVersion: number
  /** Mutation lists drawn for the pool. */
  mutationLists: number
  /** Frames thrown before the "before" memory reading, so the broker's heap has found its working size. */
  warmupFrames: number
  /**
   * Pause with no traffic at all before the "before" and "after" readings, so
   * both are of a quiet broker whose heap V8 has had time to shrink.
   */
  quietMs: number
  /** Extra `sluice broker` arguments (none: the defaults, limits included). */
  brokerArgs?: readonly string[]
  /** Called about every second during the attack. */
  onProgress?: (thrown: number, total: number) => void
}

export function defaultSoakSettings(frames: number, seed: number): SoakSettings {
  return {
    frames,
    attackers: 6,
    answerTimeoutMs: 100,
    seed,
    basesPerVersion: 16,
    mutationLists: 20_000,
    warmupFrames: Math.min(50_000, Math.floor(frames / 20)),
    quietMs: 5000,
  }
}

/** The broker's RSS as sampled while one tenth of the frames were thrown. */
export interface MemoryWindow {
  /** Frames thrown when the tenth ended. */
  thrown: number
  min: number
  max: number
  /** Lowest V8 heap in use after a full collection in this tenth; NaN when none ran. */
  heapAfterGcMin: number
  /** Full collections in this tenth. */
  fullGcs: number
}

export interface SoakMemory {
  /** Fresh broker, before any traffic. */
  idle: number
  /** After the warm-up frames and a quiet pause: the reference "before". */
  before: number
  /** After all the frames and the same quiet pause. */
  after: number
  /** Highest VmRSS sampled during the run. */
  peakSampled: number
  /** VmHWM at the end: the kernel's own high-water mark. */
  highWater: number
  /** Lowest and highest VmRSS sampled during each tenth of the frames. */
  timeline: MemoryWindow[]
  /** V8 heap in use after the last full collection before the "before" reading; NaN when none had run. */
  heapBefore: number
  /** The same at the "after" reading. */
  heapAfter: number
}

export interface SoakResult {
  settings: SoakSettings
  /** Wall time of the two attack phases (warm-up and main), quiet pauses left out. */
  seconds: number
  attack: AttackStats
  healthy: HealthyStats
  /** Records produced but not verified when the run ended (0 unless the healthy client failed). */
  healthyUnverified: number
  /** 1 when the broker process exited on its own during the run. */
  crashes: number
  crashExit: BrokerExit | null
  /** After the run a new connection got answers to ApiVersions, Metadata and ListGroups. */
  servingAtEnd: boolean
  servingError: string
  /** The broker exited 0 on SIGTERM at the end. */
  cleanShutdown: boolean
  memory: SoakMemory
  brokerCpuSeconds: number
  /** CPU of the broker and of this process (attackers and well-behaved client) over the attack phases. */
  loadCpuSeconds: number
  brokerLog: BrokerLogTally
  /** Versions the broker advertised, per API name. */
  advertised: Map<string, number[]>
  poolSize: { requests: number; seeds: number; mutationLists: number }
  /** What the broker held at the end: the attackers' doing, apart from two topics. */
  stateAtEnd: BrokerState
}

const TARGET_TOPIC = 'soak-target'
const TARGET_GROUP = 'soak-group'
const TARGET_PARTITIONS = 3
/** Each seed request goes into the pool this many times, so seeds are a few percent of the frames. */
const SEED_WEIGHT = 4
const SAMPLE_INTERVAL_MS = 250

function splitBootstrap(bootstrap: string): { host: string; port: number } {
  const at = bootstrap.lastIndexOf(':')
  return { host: bootstrap.slice(0, at), port: Number(bootstrap.slice(at + 1)) }
}

async function advertisedVersions(client: WireClient): Promise<Map<number, number[]>> {
  const response = await client.send(Apis.ApiVersions, 3, {
    clientSoftwareName: 'sluice-soak',
    clientSoftwareVersion: '1',
  })
  if (response.errorCode !== ErrorCode.NONE)
    throw new Error(`ApiVersions failed: error ${response.errorCode}`)
  const out = new Map<number, number[]>()
  for (const k of response.apiKeys) {
    const versions: number[] = []
    for (let v = k.minVersion; v <= k.maxVersion; v++) versions.push(v)
    out.set(k.apiKey, versions)
  }
  return out
}

async function createTarget(client: WireClient): Promise<string> {
  const response = await client.send(Apis.CreateTopics, 7, {
    topics: [{ name: TARGET_TOPIC, numPartitions: TARGET_PARTITIONS, replicationFactor: 1 }],
    timeoutMs: 10_000,
  })
  const topic = response.topics[0]
  if (topic?.errorCode !== ErrorCode.NONE)
    throw new Error(`creating ${TARGET_TOPIC} failed: error ${topic?.errorCode}`)
  return topic.topicId
}

/**
 * Versions to fuzz per API: what the broker advertises, and for an API the
 * protocol layer knows but the broker does not serve, every version of its
 * schema (those frames test the refusal of an unknown key).
 */
function fuzzVersions(advertised: ReadonlyMap<number, number[]>): Map<ApiDefinition, number[]> {
  const out = new Map<ApiDefinition, number[]>()
  for (const api of allApis) out.set(api, advertised.get(api.key) ?? versionsOf(api.request))
  return out
}

function buildPool(
  versions: ReadonlyMap<ApiDefinition, number[]>,
  settings: SoakSettings,
  topicId: string,
): { bases: BaseFrame[]; seeds: number } {
  const bases: BaseFrame[] = []
  let stream = settings.seed
  for (const [api, list] of versions) {
    for (const version of list)
      bases.push(...sampleBaseFrames(api, version, settings.basesPerVersion, stream++))
  }
  const seeds = seedFrames(versions, {
    topic: TARGET_TOPIC,
    topicId,
    partitions: TARGET_PARTITIONS,
    group: TARGET_GROUP,
  })
  for (let i = 0; i < SEED_WEIGHT; i++) bases.push(...seeds)
  return { bases, seeds: seeds.length }
}

/** What the attack left in the broker: state it is meant to keep, which explains memory that stays. */
export interface BrokerState {
  topics: number
  partitions: number
  groups: number
  members: number
  /** Records the attackers' valid (or harmlessly mutated) produce requests appended to the seed topic. */
  seedTopicRecords: number
}

/** Asks a fresh connection for the broker's state: proof that it still serves, and what the attack left in it. */
async function inspect(bootstrap: string): Promise<BrokerState> {
  const client = await WireClient.connect(bootstrap)
  try {
    const versions = await client.send(Apis.ApiVersions, 3, {
      clientSoftwareName: 'soak',
      clientSoftwareVersion: '1',
    })
    if (versions.errorCode !== ErrorCode.NONE) throw new Error(`ApiVersions: error ${versions.errorCode}`)
    const meta = await client.send(Apis.Metadata, 12, { topics: null, allowAutoTopicCreation: false })
    if (meta.brokers.length !== 1) throw new Error(`Metadata lists ${meta.brokers.length} brokers`)
    const listed = await client.send(Apis.ListGroups, 4, { statesFilter: [] })
    if (listed.errorCode !== ErrorCode.NONE) throw new Error(`ListGroups: error ${listed.errorCode}`)
    const groupIds = listed.groups.map((g) => g.groupId)
    const described =
      groupIds.length === 0
        ? { groups: [] }
        : await client.send(Apis.DescribeGroups, 5, { groups: groupIds, includeAuthorizedOperations: false })
    const offsets = await client.send(Apis.ListOffsets, 7, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [
        {
          name: TARGET_TOPIC,
          partitions: Array.from({ length: TARGET_PARTITIONS }, (_, partitionIndex) => ({
            partitionIndex,
            timestamp: -1n,
          })),
        },
      ],
    })
    return {
      seedTopicRecords: (offsets.topics[0]?.partitions ?? []).reduce(
        (n, p) => n + Math.max(0, Number(p.offset)),
        0,
      ),
      topics: meta.topics.length,
      partitions: meta.topics.reduce((n, t) => n + t.partitions.length, 0),
      groups: groupIds.length,
      members: described.groups.reduce((n, g) => n + g.members.length, 0),
    }
  } finally {
    await client.close()
  }
}

function readMemorySafely(broker: SoakBroker): ProcessMemory | null {
  try {
    return broker.memory()
  } catch {
    return null
  }
}

/** Reads the broker's memory every SAMPLE_INTERVAL_MS: the peak, and the range within each tenth of the frames. */
class MemorySampler {
  peak = 0
  readonly timeline: MemoryWindow[] = []
  private window: MemoryWindow | null = null
  /** Full collections of the broker folded into a window so far. */
  private gcsSeen = 0
  private stopped = false
  private readonly done: Promise<void>

  constructor(
    private readonly broker: SoakBroker,
    private readonly attack: AttackStats,
    private readonly settings: SoakSettings,
  ) {
    this.done = this.loop()
  }

  private async loop(): Promise<void> {
    let lastProgress = 0
    while (!this.stopped) {
      await sleep(SAMPLE_INTERVAL_MS)
      const now = readMemorySafely(this.broker)
      if (!now) continue
      this.peak = Math.max(this.peak, now.rss)
      this.observe(now.rss)
      if (performance.now() - lastProgress >= 1000) {
        lastProgress = performance.now()
        this.settings.onProgress?.(this.attack.thrown, this.settings.frames)
      }
    }
  }

  private observe(rss: number): void {
    const { frames } = this.settings
    const thrown = this.attack.thrown
    if (this.window === null) {
      this.window = { thrown, min: rss, max: rss, heapAfterGcMin: Number.NaN, fullGcs: 0 }
    }
    const w = this.window
    w.thrown = thrown
    w.min = Math.min(w.min, rss)
    w.max = Math.max(w.max, rss)
    const gcs = this.broker.heapAfterFullGc
    for (; this.gcsSeen < gcs.length; this.gcsSeen++) {
      w.fullGcs++
      w.heapAfterGcMin = Number.isNaN(w.heapAfterGcMin)
        ? gcs[this.gcsSeen]
        : Math.min(w.heapAfterGcMin, gcs[this.gcsSeen])
    }
    const tenth = this.timeline.length + 1
    if (tenth <= 10 && thrown >= (frames * tenth) / 10) {
      this.timeline.push(this.window)
      this.window = null
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.done
    if (this.window !== null && this.timeline.length < 10) this.timeline.push(this.window)
  }
}

export async function runSoak(settings: SoakSettings): Promise<SoakResult> {
  const broker = await SoakBroker.start(settings.brokerArgs)
  try {
    await sleep(300)
    const idle = broker.memory().rss
    const control = await WireClient.connect(broker.bootstrap)
    const advertisedByKey = await advertisedVersions(control)
    const topicId = await createTarget(control)
    await control.close()

    const versions = fuzzVersions(advertisedByKey)
    const { bases, seeds } = buildPool(versions, settings, topicId)
    const mutations = sampleMutations(settings.mutationLists, settings.seed)
    const fuzzers = Array.from(
      { length: settings.attackers },
      (_, i) => new FrameFuzzer(bases, mutations, settings.seed * 31 + i + 1),
    )

    const healthy = new HealthyClient(broker.bootstrap, {
      topic: `soak-healthy-${randomBytes(6).toString('hex')}`,
      partitions: 3,
      maxBatchRecords: 40,
    })
    await healthy.setUp()

    let crashExit: BrokerExit | null = null
    void broker.exited.then((exit) => {
      if (broker.crashed) crashExit = exit
    })
    const halted = () => crashExit !== null
    const { host, port } = splitBootstrap(broker.bootstrap)
    const attack = new AttackStats()
    const sampler = new MemorySampler(broker, attack, settings)
    let seconds = 0
    let brokerCpuSeconds = 0
    let loadCpuSeconds = 0

    /** Attackers throw `frames` while the well-behaved client works; both stop at the end of the phase. */
    const attackPhase = async (frames: number) => {
      const budget = { remaining: frames }
      let over = false
      const cpuBefore = broker.cpuSeconds()
      const loadCpuBefore = process.cpuUsage()
      const started = performance.now()
      const healthyRun = healthy.run(() => over || halted())
      await Promise.all(
        fuzzers.map((fuzzer) =>
          runAttacker({
            host,
            port,
            fuzzer,
            budget,
            stats: attack,
            answerTimeoutMs: settings.answerTimeoutMs,
            halted,
          }),
        ),
      )
      over = true
      await healthyRun
      seconds += (performance.now() - started) / 1000
      const loadCpu = process.cpuUsage(loadCpuBefore)
      loadCpuSeconds += (loadCpu.user + loadCpu.system) / 1e6
      if (broker.running) brokerCpuSeconds += broker.cpuSeconds() - cpuBefore
    }
    /** RSS of a broker left alone for a while, so that V8 has had the chance to give memory back. */
    const quietReading = async () => {
      if (!halted()) await sleep(settings.quietMs)
      const gcs = broker.heapAfterFullGc
      return {
        rss: halted() ? Number.NaN : (readMemorySafely(broker)?.rss ?? Number.NaN),
        heap: gcs.length > 0 ? gcs[gcs.length - 1] : Number.NaN,
      }
    }

    const warmup = Math.min(settings.warmupFrames, settings.frames)
    await attackPhase(warmup)
    const before = await quietReading()
    if (!halted()) await attackPhase(settings.frames - warmup)
    await sampler.stop()
    const after = await quietReading()
    const memory: SoakMemory = {
      idle,
      before: before.rss,
      after: after.rss,
      heapBefore: before.heap,
      heapAfter: after.heap,
      peakSampled: sampler.peak,
      highWater: readMemorySafely(broker)?.peak ?? Number.NaN,
      timeline: sampler.timeline,
    }

    let servingAtEnd = false
    let servingError = 'the broker is not running'
    let state: BrokerState = {
      topics: 0,
      partitions: 0,
      groups: 0,
      members: 0,
      seedTopicRecords: 0,
    }
    if (broker.running) {
      try {
        state = await inspect(broker.bootstrap)
        servingAtEnd = true
        servingError = ''
      } catch (err) {
        servingError = (err as Error).message
      }
    }
    let cleanShutdown = false
    if (crashExit === null) {
      const exit = await broker.stop()
      cleanShutdown = exit.code === 0
    }

    const advertised = new Map<string, number[]>()
    for (const api of allApis) {
      const list = advertisedByKey.get(api.key)
      if (list) advertised.set(api.name, list)
    }
    return {
      settings,
      seconds,
      attack,
      healthy: healthy.stats,
      healthyUnverified: healthy.unverified,
      crashes: crashExit === null ? 0 : 1,
      crashExit,
      servingAtEnd,
      servingError,
      cleanShutdown,
      memory,
      brokerCpuSeconds,
      loadCpuSeconds,
      brokerLog: broker.log,
      advertised,
      poolSize: { requests: bases.length, seeds, mutationLists: mutations.length },
      stateAtEnd: state,
    }
  } finally {
    if (broker.running) await broker.stop().catch(() => {})
  }
}
