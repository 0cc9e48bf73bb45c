import type { Clock, TimerHandle } from '../../../flow/clock.js'
import { ErrorCode, KafkaError } from '../../../protocol/error-codes.js'
import { Apis } from '../../../protocol/messages/index.js'
import type { Cluster } from '../../cluster/cluster.js'
import type { Logger } from '../../logger.js'
import type { PartitionState } from '../fetch/partition-state.js'

/** Who is committing: the generation fences commits from before a rebalance. */
export interface CommitIdentity {
  readonly groupId: string
  readonly generationId: number
  readonly memberId: string
  readonly groupInstanceId: string | null
}

/** Codes that say this commit belongs to a generation that is over: dropped, never retried. */
const STALE = new Set<number>([
  ErrorCode.ILLEGAL_GENERATION,
  ErrorCode.UNKNOWN_MEMBER_ID,
  ErrorCode.FENCED_INSTANCE_ID,
])

/**
 * REBALANCE_IN_PROGRESS is not stale: the coordinator answers it while the
 * generation this member just joined waits for its leader's assignment
 * (CompletingRebalance). A cooperative member keeps its partitions through
 * that wait, and a close or a revoke that lands in it has offsets that only
 * this member can commit: dropping them made the partitions' next owners
 * redo everything since the last interval commit. Such offsets are sent
 * again, with the member's identity read again, once the wait is likely
 * over: after 50, 100, 200, 400, 800 ms (1.55 s at most). The same for
 * ILLEGAL_GENERATION when the member has itself joined the newer generation
 * meanwhile (the commit crossed its JoinGroup answer).
 */
const REBALANCE_WAITS = 5
const REBALANCE_WAIT_MS = 50

/** A commit that failed with one of these is tried again, a few times, within a request timeout. */
const RETRIABLE = new Set<number>([
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
])

const ATTEMPTS = 3

/** A partition's offset to commit. */
interface Pending {
  readonly state: PartitionState
  readonly offset: number
}

export interface CommitResult {
  readonly offsets: readonly { topic: string; partition: number; offset: bigint }[]
  readonly latencyMs: number
}

/**
 * Commits each partition's committable offset — the lowest offset not yet
 * finished — when it has moved: on an interval, and when asked (revoke,
 * close, `before-process`). Commits carry the generation and member id, so
 * one from before a rebalance is refused by the coordinator and dropped
 * here, never retried into a newer generation's offsets (a commit that
 * meets a rebalance being completed waits for it instead, see below). One
 * commit is in flight at a time; asks meanwhile coalesce into the next.
 */
export class Committer {
  private timer: TimerHandle | undefined
  private running: Promise<void> | undefined
  /** What was asked while a commit was in flight (every partition, or these), and the commit that will do it. */
  private asked: ReadonlySet<PartitionState> | 'all' | undefined
  private next: Promise<void> | undefined
  private stopped = false
  commits = 0
  latencyTotalMs = 0

  constructor(
    private readonly cluster: Cluster,
    private readonly identity: () => CommitIdentity | undefined,
    private readonly states: () => Iterable<PartitionState>,
    private readonly intervalMs: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly onCommit: (result: CommitResult) => void,
  ) {}

  start(): void {
    if (this.timer !== undefined || this.stopped) return
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined
      void this.commit().finally(() => this.start())
    }, this.intervalMs)
  }

  stop(): void {
    this.stopped = true
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
    this.timer = undefined
  }

  /** Commits what has moved (of `only`, or every partition); resolves when that is done or dropped. */
  async commit(only?: ReadonlySet<PartitionState>): Promise<void> {
    if (this.running) {
      // the next commit covers every ask made meanwhile, and each asker waits for it: a revoke
      // and a close asking at once both see their partitions committed before they go on
      this.asked =
        only === undefined || this.asked === 'all' ? 'all' : new Set([...(this.asked ?? []), ...only])
      const next = () => {
        const asked = this.asked
        this.asked = undefined
        this.next = undefined
        return this.commit(asked === 'all' ? undefined : asked)
      }
      this.next ??= this.running.then(next, next)
      return this.next
    }
    this.running = this.commitOnce(only).finally(() => {
      this.running = undefined
    })
    await this.running
  }

  private async commitOnce(only?: ReadonlySet<PartitionState>): Promise<void> {
    let identity = this.identity()
    if (!identity) return
    const moved: Pending[] = []
    for (const state of this.states()) {
      if (only && !only.has(state)) continue
      if (state.position < 0) continue
      const offset = state.committable()
      if (offset > state.committed) moved.push({ state, offset })
    }
    if (moved.length === 0) return
    const started = this.clock.now()
    const accepted: Pending[] = []
    let pending = moved
    let waits = 0
    for (let attempt = 1; attempt <= ATTEMPTS && pending.length > 0; attempt++) {
      try {
        const answer = await this.send(identity, pending)
        accepted.push(...answer.accepted)
        pending = answer.retry
        if (answer.rebalancing.length > 0 && waits < REBALANCE_WAITS) {
          await new Promise<void>((resolve) => this.clock.setTimeout(resolve, REBALANCE_WAIT_MS << waits++))
          // the join the coordinator was completing has answered by now: commit as its generation
          const now = this.identity()
          if (!now || now.memberId !== identity.memberId) break
          identity = now
          // only partitions this member still holds: one lost meanwhile may be another's by now
          const held = new Set(this.states())
          pending = [...pending, ...answer.rebalancing.filter((m) => held.has(m.state))]
          // waiting out a rebalance is not a failed attempt
          attempt--
          continue
        }
        for (const m of answer.rebalancing) {
          this.logger.debug(
            `group ${identity.groupId}: commit of ${m.state.topic}[${m.state.partition}] dropped, the rebalance did not end`,
          )
        }
        if (pending.length === 0) break
      } catch (error) {
        this.cluster.recover(error, 'find-coordinator', { group: identity.groupId })
        if (attempt === ATTEMPTS) {
          this.logger.warn(`group ${identity.groupId}: commit failed: ${(error as Error).message}`)
          break
        }
      }
      this.cluster.forgetCoordinator(identity.groupId)
    }
    if (accepted.length === 0) return
    const latencyMs = this.clock.now() - started
    this.commits++
    this.latencyTotalMs += latencyMs
    // only what the coordinator took: a stale or refused offset is not reported as committed
    this.onCommit({
      offsets: accepted.map(({ state, offset }) => ({
        topic: state.topic,
        partition: state.partition,
        offset: BigInt(offset),
      })),
      latencyMs,
    })
  }

  /** Whether this member has joined a later generation than `identity`'s since (the same member id). */
  private rejoined(identity: CommitIdentity): boolean {
    const now = this.identity()
    return now !== undefined && now.memberId === identity.memberId && now.generationId > identity.generationId
  }

  /** One OffsetCommit; returns the partitions the coordinator took and those worth sending again. */
  private async send(
    identity: CommitIdentity,
    moved: readonly Pending[],
  ): Promise<{ accepted: Pending[]; retry: Pending[]; rebalancing: Pending[] }> {
    const byTopic = new Map<string, Pending[]>()
    for (const m of moved) byTopic.set(m.state.topic, [...(byTopic.get(m.state.topic) ?? []), m])
    const coordinator = await this.cluster.coordinator(identity.groupId)
    const answer = await this.cluster.send(
      coordinator,
      Apis.OffsetCommit,
      {
        groupId: identity.groupId,
        generationId: identity.generationId,
        memberId: identity.memberId,
        groupInstanceId: identity.groupInstanceId,
        topics: [...byTopic].map(([name, list]) => ({
          name,
          partitions: list.map(({ state, offset }) => ({
            partitionIndex: state.partition,
            committedOffset: BigInt(offset),
            committedLeaderEpoch: state.leaderEpoch,
            committedMetadata: null,
          })),
        })),
      },
      { lane: 'coordinator' },
    )
    const accepted: Pending[] = []
    const retry: Pending[] = []
    const rebalancing: Pending[] = []
    for (const t of answer.topics) {
      for (const p of t.partitions) {
        const m = byTopic.get(t.name)?.find((x) => x.state.partition === p.partitionIndex)
        if (!m) continue
        if (p.errorCode === ErrorCode.NONE) {
          if (m.offset > m.state.committed) m.state.committed = m.offset
          accepted.push(m)
        } else if (p.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) {
          rebalancing.push(m)
        } else if (p.errorCode === ErrorCode.ILLEGAL_GENERATION && this.rejoined(identity)) {
          // the commit crossed this member's own join into the next generation: it still holds
          // the partition (it declared it owned, or gave it up only once this commit is done)
          rebalancing.push(m)
        } else if (STALE.has(p.errorCode)) {
          this.logger.debug(
            `group ${identity.groupId}: commit from generation ${identity.generationId} dropped (${new KafkaError(p.errorCode).type})`,
          )
        } else if (RETRIABLE.has(p.errorCode)) {
          retry.push(m)
        } else {
          this.logger.warn(
            `group ${identity.groupId}: commit of ${t.name}[${p.partitionIndex}] refused: ${new KafkaError(p.errorCode).message}`,
          )
        }
      }
    }
    for (const m of rebalancing) {
      this.logger.debug(
        `group ${identity.groupId}: commit of ${m.state.topic}[${m.state.partition}] waits out a rebalance`,
      )
    }
    return { accepted, retry, rebalancing }
  }
}
