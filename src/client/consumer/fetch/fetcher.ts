import { type Clock, sleep } from '../../../flow/clock.js'
import { ErrorCode, KafkaError } from '../../../protocol/error-codes.js'
import { Apis } from '../../../protocol/messages/index.js'
import type { Cluster } from '../../cluster/cluster.js'
import { recoveryFor } from '../../cluster/retry-policy.js'
import { ClientClosedError } from '../../errors.js'
import type { Logger } from '../../logger.js'
import { type DecodedFetch, decodeFetched } from './fetched-records.js'
import type { BufferUsage, PartitionState } from './partition-state.js'

/** What the fetcher needs of the consumer. */
export interface FetcherHost {
  /** The partitions assigned now. */
  partitions(): Iterable<PartitionState>
  /** A partition's records arrived (at the state's epoch when the fetch was sent). */
  fetched(state: PartitionState, decoded: DecodedFetch, highWatermark: number): void
  /** The partition's position is not in the log (any more): reset it by policy. */
  outOfRange(state: PartitionState): void
  /** Something the consumer should hear about (it keeps fetching). */
  error(error: Error, state?: PartitionState): void
}

export interface FetchSettings {
  readonly minBytes: number
  readonly maxWaitMs: number
  readonly maxBytes: number
  readonly partitionMaxBytes: number
  readonly isolationLevel: 0 | 1
}

/** Fetch v13+ names topics by id; v12 is served by every Kafka from 2.8 to 4.x and by the embedded broker. */
const FETCH_MAX_VERSION = 12

/**
 * Before the first answer, assume records of ~15 bytes each (a small record
 * in a large batch), so that the first answer cannot bring many times the
 * budget; larger records make a small first fetch, then are measured.
 */
const INITIAL_COST_PER_WIRE_BYTE = 32

/** Partition errors that mean the leader is elsewhere (or not known yet): refresh metadata, then fetch again. */
const MOVED = new Set<number>([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.REPLICA_NOT_AVAILABLE,
])

/**
 * Fetches for the assigned partitions: one Fetch at a time per leader
 * broker, on a connection of its own, for that leader's partitions that are
 * fetchable (assigned, not paused by the application, the breaker or their
 * buffer, position known). The answer's size is cut to what the consumer's
 * buffer budget has left, in what its records will count once decoded, so
 * memory never passes maxBufferedBytes by more than one answer (or one
 * record batch: a broker returns the first whole, whatever the size asked). A loop ends when its broker leads nothing fetchable;
 * `wake()` starts it again.
 */
export class Fetcher {
  private readonly loops = new Map<number, Promise<void>>()
  private stopped = false
  private readonly abort = new AbortController()
  private refreshing: Promise<unknown> | undefined
  /** A loop ended, or none started, because the buffers had no room: `roomFreed()` starts them again. */
  private waitingForRoom = false
  /**
   * What a fetched byte counts against the budget once decoded, from the
   * last answer with records: a small record's objects count several times
   * its bytes on the wire (a compressed one more still), so a fetch sized
   * in wire bytes to the room left would bring several times that room.
   */
  private costPerWireByte = INITIAL_COST_PER_WIRE_BYTE

  constructor(
    private readonly cluster: Cluster,
    private readonly host: FetcherHost,
    private readonly usage: BufferUsage,
    private readonly settings: FetchSettings,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Looks for fetchable partitions and starts a loop for each leader that has some and none yet. */
  wake(): void {
    if (this.stopped) return
    // with no room a loop would end at once and its end wake again: a microtask loop that starves
    // the event loop (records dropped by an overflow strategy keep partitions fetchable when full)
    if (this.usage.roomBytes <= 0) {
      this.waitingForRoom = true
      return
    }
    for (const state of this.host.partitions()) {
      if (!state.fetchable) continue
      const leader = this.leaderOf(state)
      if (leader < 0 || this.loops.has(leader)) continue
      const loop = this.run(leader).finally(() => {
        if (this.loops.get(leader) === loop) this.loops.delete(leader)
        // partitions may have become fetchable while this loop was winding down
        queueMicrotask(() => this.wake())
      })
      this.loops.set(leader, loop)
    }
  }

  /** Records finished or were dropped: starts the loops again if they stopped for room and there is some now. */
  roomFreed(): void {
    if (!this.waitingForRoom || this.usage.roomBytes <= 0) return
    this.waitingForRoom = false
    this.wake()
  }

  /** Stops every loop; resolves once none is left. */
  async stop(): Promise<void> {
    this.stopped = true
    this.abort.abort(new ClientClosedError('consumer'))
    await Promise.allSettled([...this.loops.values()])
  }

  private leaderOf(state: PartitionState): number {
    const p = this.cluster.metadata.topic(state.topic)?.partitions[state.partition]
    if (!p || p.leaderId < 0) {
      this.refreshMetadata([state.topic])
      return -1
    }
    if (p.leaderEpoch >= 0) state.leaderEpoch = p.leaderEpoch
    return p.leaderId
  }

  private refreshMetadata(topics: string[]): void {
    if (this.refreshing || this.stopped) return
    this.refreshing = this.cluster
      .refreshMetadata(topics)
      .catch((error) => this.logger.debug(`metadata refresh failed: ${(error as Error).message}`))
      .then(() => sleep(this.cluster.retry.delay(1), { clock: this.clock, signal: this.abort.signal }))
      .catch(() => {})
      .finally(() => {
        this.refreshing = undefined
        this.wake()
      })
  }

  private async run(nodeId: number): Promise<void> {
    let failures = 0
    while (!this.stopped) {
      const states = [...this.host.partitions()].filter((s) => s.fetchable && this.leaderOf(s) === nodeId)
      if (states.length === 0) return
      const room = this.usage.roomBytes
      if (room <= 0) {
        this.waitingForRoom = true
        return
      }
      const outcome = await this.fetchOnce(nodeId, states, room)
      if (outcome === 'ok') failures = 0
      else {
        failures++
        await sleep(this.cluster.retry.delay(failures), {
          clock: this.clock,
          signal: this.abort.signal,
        }).catch(() => {})
        if (outcome === 'moved') return
      }
    }
  }

  /** One Fetch to one leader. */
  private async fetchOnce(
    nodeId: number,
    states: PartitionState[],
    room: number,
  ): Promise<'ok' | 'failed' | 'moved'> {
    const epochs = new Map(states.map((s) => [s, s.epoch]))
    const byTopic = new Map<string, PartitionState[]>()
    for (const s of states) {
      s.fetching = true
      byTopic.set(s.topic, [...(byTopic.get(s.topic) ?? []), s])
    }
    const wireRoom = Math.floor(room / this.costPerWireByte)
    const partitionMaxBytes = (s: PartitionState) =>
      Math.max(
        1024,
        Math.min(
          this.settings.partitionMaxBytes,
          wireRoom,
          Math.floor(s.fetchRoomBytes / this.costPerWireByte),
        ),
      )
    try {
      const connection = await this.cluster.connectionTo(nodeId, 'fetch')
      const version = Math.min(FETCH_MAX_VERSION, connection.versions!.version(Apis.Fetch))
      const answer = await connection.request(
        Apis.Fetch,
        {
          replicaId: -1,
          maxWaitMs: this.settings.maxWaitMs,
          minBytes: this.settings.minBytes,
          maxBytes: Math.max(1024, Math.min(this.settings.maxBytes, wireRoom)),
          isolationLevel: this.settings.isolationLevel,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [...byTopic].map(([topic, list]) => ({
            topic,
            partitions: list.map((s) => ({
              partition: s.partition,
              currentLeaderEpoch: s.leaderEpoch,
              fetchOffset: BigInt(s.position),
              logStartOffset: -1n,
              partitionMaxBytes: partitionMaxBytes(s),
            })),
          })),
          forgottenTopicsData: [],
          rackId: '',
        },
        { version, timeoutMs: this.cluster.options.requestTimeoutMs + this.settings.maxWaitMs },
      )
      for (const s of states) s.fetching = false
      if (answer.errorCode !== ErrorCode.NONE) throw new KafkaError(answer.errorCode, { api: 'Fetch' })
      const byKey = new Map(states.map((s) => [`${s.topic}\0${s.partition}`, s]))
      let moved = false
      let wireBytes = 0
      let countedBytes = 0
      for (const t of answer.responses) {
        for (const p of t.partitions) {
          const state = byKey.get(`${t.topic}\0${p.partitionIndex}`)
          if (!state || state.revoked || epochs.get(state) !== state.epoch) continue
          if (p.errorCode === ErrorCode.NONE) {
            state.highWatermark = Number(p.highWatermark)
            if (!p.records || p.records.length === 0) continue
            const aborted = this.settings.isolationLevel === 1 ? (p.abortedTransactions ?? []) : null
            const decoded = decodeFetched(p.records, state.position, aborted)
            wireBytes += p.records.length
            for (const r of decoded.records) countedBytes += r.size
            this.host.fetched(state, decoded, Number(p.highWatermark))
          } else if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
            this.host.outOfRange(state)
          } else if (MOVED.has(p.errorCode)) {
            moved = true
            this.cluster.metadata.markStale(state.topic)
            this.refreshMetadata([state.topic])
          } else if (p.errorCode !== ErrorCode.OFFSET_NOT_AVAILABLE) {
            this.host.error(
              new KafkaError(p.errorCode, { topic: state.topic, partition: state.partition }),
              state,
            )
          }
        }
      }
      if (countedBytes > 0) this.costPerWireByte = Math.max(1, countedBytes / wireBytes)
      return moved ? 'moved' : 'ok'
    } catch (error) {
      for (const s of states) s.fetching = false
      if (this.stopped) return 'failed'
      const recovery = recoveryFor(error)
      this.cluster.recover(error, recovery, { topics: [...byTopic.keys()] })
      if (recovery === 'fail') this.host.error(error as Error)
      else this.logger.debug(`fetch from node ${nodeId} failed: ${(error as Error).message}`)
      return recovery === 'refresh-metadata' ? 'moved' : 'failed'
    }
  }
}
