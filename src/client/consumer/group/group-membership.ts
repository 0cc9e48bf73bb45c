import type { Clock, TimerHandle } from '../../../flow/clock.js'
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from '../../../protocol/consumer-protocol.js'
import { ErrorCode, KafkaError } from '../../../protocol/error-codes.js'
import { Apis } from '../../../protocol/messages/index.js'
import type { TopicPartition } from '../../admin/admin-types.js'
import type { Cluster } from '../../cluster/cluster.js'
import { recoveryFor } from '../../cluster/retry-policy.js'
import type { Logger } from '../../logger.js'
import type { Assignor, MemberSubscription } from '../assignors/assignor.js'

/** What a finished join hands the consumer. */
export interface GroupGeneration {
  readonly generationId: number
  readonly memberId: string
  /** The assignor the group agreed on, and so eager or cooperative rebalancing. */
  readonly protocol: Assignor
  readonly assignment: readonly TopicPartition[]
  readonly leader: boolean
}

export interface MembershipSettings {
  readonly groupId: string
  readonly groupInstanceId: string | null
  readonly sessionTimeoutMs: number
  readonly rebalanceTimeoutMs: number
  readonly heartbeatIntervalMs: number
  readonly assignors: readonly Assignor[]
  readonly logger: Logger
  readonly clock: Clock
}

/** Codes after which this member is no longer in the group as it thought: its partitions are lost. */
const FENCED = new Set<number>([
  ErrorCode.UNKNOWN_MEMBER_ID,
  ErrorCode.ILLEGAL_GENERATION,
  ErrorCode.FENCED_INSTANCE_ID,
])

/** Codes of a join that simply has to start over: the rebalance moved on, or forgot this member. */
const REJOIN = new Set<number>([
  ErrorCode.REBALANCE_IN_PROGRESS,
  ErrorCode.UNKNOWN_MEMBER_ID,
  ErrorCode.ILLEGAL_GENERATION,
  ErrorCode.MEMBER_ID_REQUIRED,
])

/** A join step answered with a REJOIN code: retriable, so the one retry policy starts the join again. */
class RejoinNeeded extends KafkaError {
  override readonly retriable = true
}

/** JoinGroup blocks while the coordinator waits for the other members: up to the rebalance timeout. */
const JOIN_GRACE_MS = 5_000

/**
 * Membership of one consumer group with the classic protocol: JoinGroup
 * (with the KIP-394 member id handshake), the leader's assignment through
 * the agreed assignor, SyncGroup, heartbeats on a timer of their own (on the
 * coordinator's own connection, so fetches and slow handlers never delay
 * them), and LeaveGroup. Static members (KIP-345) do not leave on close, so
 * a restart within the session timeout gets the same partitions back
 * without a rebalance.
 */
export class GroupMembership {
  memberId = ''
  generationId = -1
  private heartbeatTimer: TimerHandle | undefined
  private lastHeartbeatOk = 0
  private stopped = false
  /** Called when the group needs this member to join again (a rebalance), or when it lost its membership. */
  onRejoinNeeded: (reason: 'rebalance' | 'lost') => void = () => {}

  constructor(
    private readonly cluster: Cluster,
    private readonly settings: MembershipSettings,
  ) {}

  /**
   * Joins (or rejoins) the group and waits for its assignment. `topics`:
   * this member's subscription; `owned`: what it holds (cooperative
   * members keep consuming it through the rebalance). Retries coordinator
   * moves and rebalances that restart under it; resolves with the new
   * generation or throws what cannot be retried.
   */
  async join(
    topics: readonly string[],
    owned: readonly TopicPartition[],
    timeoutMs: number,
  ): Promise<GroupGeneration> {
    this.stopHeartbeats()
    const { groupId } = this.settings
    return this.cluster.retry.run(
      `join group ${groupId}`,
      async () => {
        const coordinator = await this.cluster.coordinator(groupId)
        let joined = await this.sendJoin(coordinator, topics, owned)
        if (joined.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
          this.memberId = joined.memberId
          joined = await this.sendJoin(coordinator, topics, owned)
        }
        if (joined.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = ''
        if (joined.errorCode !== ErrorCode.NONE) throw this.joinError(joined.errorCode, 'JoinGroup')
        this.memberId = joined.memberId
        this.generationId = joined.generationId
        const protocol = this.settings.assignors.find((a) => a.name === joined.protocolName)
        if (!protocol)
          throw new KafkaError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, {
            group: groupId,
            protocol: joined.protocolName ?? '',
          })
        const leader = joined.leader === joined.memberId
        const assignments = leader ? await this.assign(protocol, joined.members) : []
        const synced = await this.cluster.send(
          coordinator,
          Apis.SyncGroup,
          {
            groupId,
            generationId: joined.generationId,
            memberId: joined.memberId,
            groupInstanceId: this.settings.groupInstanceId,
            protocolType: 'consumer',
            protocolName: protocol.name,
            assignments,
          },
          { lane: 'coordinator', timeoutMs: this.settings.rebalanceTimeoutMs + JOIN_GRACE_MS },
        )
        if (synced.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = ''
        if (synced.errorCode !== ErrorCode.NONE) throw this.joinError(synced.errorCode, 'SyncGroup')
        const assignment =
          synced.assignment.length === 0
            ? []
            : decodeAssignment(synced.assignment).value.assignedPartitions.flatMap((t) =>
                t.partitions.map((partition) => ({ topic: t.topic, partition })),
              )
        this.startHeartbeats()
        return { generationId: joined.generationId, memberId: joined.memberId, protocol, assignment, leader }
      },
      {
        timeoutMs,
        signal: this.cluster.closeSignal,
        onRetry: (error, recovery) => {
          this.settings.logger.debug(`group ${groupId}: join failed, retrying: ${(error as Error).message}`)
          this.cluster.recover(error, recovery, { group: groupId })
        },
      },
    )
  }

  private joinError(code: number, api: string): KafkaError {
    const details = { group: this.settings.groupId, api }
    return REJOIN.has(code) ? new RejoinNeeded(code, details) : new KafkaError(code, details)
  }

  /** Leaves the group (dynamic members only) and stops heartbeating. */
  async leave(): Promise<void> {
    this.stopped = true
    this.stopHeartbeats()
    if (this.settings.groupInstanceId !== null || this.memberId === '') return
    try {
      const coordinator = await this.cluster.coordinator(this.settings.groupId)
      await this.cluster.send(
        coordinator,
        Apis.LeaveGroup,
        {
          groupId: this.settings.groupId,
          memberId: this.memberId,
          members: [{ memberId: this.memberId, groupInstanceId: null }],
        },
        { lane: 'coordinator' },
      )
    } catch (error) {
      // the session timeout removes a member that could not say goodbye
      this.settings.logger.warn(
        `group ${this.settings.groupId}: LeaveGroup failed: ${(error as Error).message}`,
      )
    }
    this.memberId = ''
    this.generationId = -1
  }

  /** Stops heartbeats for good, without leaving (a static member closing, or a consumer giving up). */
  stop(): void {
    this.stopped = true
    this.stopHeartbeats()
  }

  private sendJoin(coordinator: number, topics: readonly string[], owned: readonly TopicPartition[]) {
    const byTopic = new Map<string, number[]>()
    for (const tp of owned) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition])
    const ownedPartitions = [...byTopic].map(([topic, partitions]) => ({ topic, partitions }))
    return this.cluster.send(
      coordinator,
      Apis.JoinGroup,
      {
        groupId: this.settings.groupId,
        sessionTimeoutMs: this.settings.sessionTimeoutMs,
        rebalanceTimeoutMs: this.settings.rebalanceTimeoutMs,
        memberId: this.memberId,
        groupInstanceId: this.settings.groupInstanceId,
        protocolType: 'consumer',
        protocols: this.settings.assignors.map((a) => ({
          name: a.name,
          metadata: encodeSubscription({
            topics: [...topics],
            userData: a.userData(this.generationId),
            // eager assignors give everything up before joining: they own nothing
            ownedPartitions: a.protocol === 'cooperative' ? ownedPartitions : [],
            generationId: this.generationId,
            rackId: null,
          }),
        })),
      },
      { lane: 'coordinator', timeoutMs: this.settings.rebalanceTimeoutMs + JOIN_GRACE_MS },
    )
  }

  /** The leader's work: decode every member's subscription, learn the partition counts, run the assignor. */
  private async assign(
    protocol: Assignor,
    members: readonly { memberId: string; groupInstanceId: string | null; metadata: Buffer }[],
  ) {
    const subscriptions: MemberSubscription[] = members.map((m) => {
      const { value } = decodeSubscription(m.metadata)
      const userGeneration = value.userData && value.userData.length >= 4 ? value.userData.readInt32BE(0) : -1
      return {
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        topics: value.topics,
        ownedPartitions: value.ownedPartitions.flatMap((t) =>
          t.partitions.map((partition) => ({ topic: t.topic, partition })),
        ),
        generation: value.generationId >= 0 ? value.generationId : userGeneration,
      }
    })
    const topics = [...new Set(subscriptions.flatMap((s) => s.topics))]
    const counts = new Map<string, number>()
    if (topics.length > 0) {
      const errors = await this.cluster.refreshMetadata(topics)
      for (const topic of topics) {
        const metadata = this.cluster.metadata.topic(topic)
        if (errors.get(topic) === ErrorCode.NONE && metadata) counts.set(topic, metadata.partitions.length)
      }
    }
    const assignment = protocol.assign(subscriptions, counts)
    return [...assignment].map(([memberId, partitions]) => {
      const byTopic = new Map<string, number[]>()
      for (const tp of partitions) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition])
      return {
        memberId,
        assignment: encodeAssignment({
          assignedPartitions: [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps })),
          userData: null,
        }),
      }
    })
  }

  private startHeartbeats(): void {
    if (this.stopped) return
    this.lastHeartbeatOk = this.settings.clock.now()
    this.scheduleHeartbeat()
  }

  private stopHeartbeats(): void {
    if (this.heartbeatTimer !== undefined) this.settings.clock.clearTimeout(this.heartbeatTimer)
    this.heartbeatTimer = undefined
  }

  private scheduleHeartbeat(): void {
    this.heartbeatTimer = this.settings.clock.setTimeout(() => {
      this.heartbeatTimer = undefined
      void this.heartbeat()
    }, this.settings.heartbeatIntervalMs)
  }

  private async heartbeat(): Promise<void> {
    if (this.stopped) return
    const generation = this.generationId
    try {
      const coordinator = await this.cluster.coordinator(this.settings.groupId)
      const answer = await this.cluster.send(
        coordinator,
        Apis.Heartbeat,
        {
          groupId: this.settings.groupId,
          generationId: generation,
          memberId: this.memberId,
          groupInstanceId: this.settings.groupInstanceId,
        },
        { lane: 'coordinator', timeoutMs: this.settings.sessionTimeoutMs },
      )
      if (this.stopped || generation !== this.generationId) return
      if (answer.errorCode === ErrorCode.NONE) {
        this.lastHeartbeatOk = this.settings.clock.now()
      } else if (answer.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) {
        this.stopHeartbeats()
        this.onRejoinNeeded('rebalance')
        return
      } else if (FENCED.has(answer.errorCode)) {
        if (answer.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = ''
        this.stopHeartbeats()
        this.onRejoinNeeded('lost')
        return
      } else {
        throw new KafkaError(answer.errorCode, { group: this.settings.groupId, api: 'Heartbeat' })
      }
    } catch (error) {
      if (this.stopped) return
      this.cluster.recover(error, recoveryFor(error), { group: this.settings.groupId })
      // the coordinator forgets a member it has not heard from for a session timeout
      if (this.settings.clock.now() - this.lastHeartbeatOk >= this.settings.sessionTimeoutMs) {
        this.settings.logger.warn(
          `group ${this.settings.groupId}: no heartbeat answered for a session timeout`,
        )
        this.stopHeartbeats()
        this.onRejoinNeeded('lost')
        return
      }
    }
    if (!this.stopped && this.heartbeatTimer === undefined) this.scheduleHeartbeat()
  }
}
