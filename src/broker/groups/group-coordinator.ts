import { ErrorCode } from '../../protocol/error-codes.js'
import type { Clock } from '../clock.js'
import type { Logger } from '../logger.js'
import type { ClassicGroup } from './classic-group.js'
import type { CommittedOffset } from './committed-offsets.js'
import type {
  CommitRequest,
  DeletedOffsets,
  DescribedGroup,
  FetchedOffsets,
  HeartbeatRequest,
  JoinRequest,
  LeaveResult,
  ListedGroup,
  MemberIdentity,
  SyncRequest,
} from './coordinator-requests.js'
import { GroupMember, newMemberId } from './group-member.js'
import { type JoinOutcome, joinError, type SyncOutcome, syncError, syncSuccess } from './group-outcomes.js'
import { canStartRebalance } from './group-state.js'
import { GroupStore, type GroupStoreOptions } from './group-store.js'
import { subscribedTopics } from './group-subscriptions.js'
import { committedOffsetsView, describeGroupView, listGroupsView } from './group-views.js'

export interface GroupCoordinatorOptions extends GroupStoreOptions {
  /** Kafka's group.initial.rebalance.delay.ms: how long a new group waits for more members before its first generation. */
  initialRebalanceDelayMs: number
  /** group.min.session.timeout.ms / group.max.session.timeout.ms: the session timeouts members may ask for. */
  minSessionTimeoutMs: number
  maxSessionTimeoutMs: number
  /** offset.metadata.max.bytes: the longest metadata string stored with an offset. */
  offsetMetadataMaxBytes: number
}

export type CoordinatorStatus = 'loading' | 'active' | 'inactive'

/** How long a brand-new member's JoinGroup may stay parked (it cannot heartbeat yet); Kafka's value. */
const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000
/** How often Empty groups without offsets are forgotten (Kafka's offsets.retention.check.interval.ms). */
const CLEANUP_INTERVAL_MS = 10 * 60 * 1000
/** Node's timers fire at once beyond a signed 32-bit delay, so client-supplied timeouts are capped here. */
const MAX_TIMER_MS = 2 ** 31 - 1
const EMPTY = Buffer.alloc(0)

/**
 * The classic group coordinator (JoinGroup / SyncGroup / Heartbeat /
 * LeaveGroup) and the committed-offsets store, following the state machine
 * of Kafka's own coordinator: a rebalance collects joins until every member
 * rejoined or the rebalance timeout passed, hands the leader everyone's
 * subscriptions, and waits for the leader's assignment in SyncGroup, which it
 * hands to every member. Every timer goes through the injected clock.
 *
 * Requests that must wait (a JoinGroup during a rebalance, a follower's
 * SyncGroup before the leader's) return promises that the state machine
 * settles; every path that removes a member answers whatever it had parked,
 * because a connection answers in request order and an unanswered request
 * would hold up everything behind it.
 */
export class GroupCoordinator {
  private readonly store: GroupStore
  private currentStatus: CoordinatorStatus = 'loading'
  private cleanupTimer: unknown = undefined
  private closing: Promise<void> | undefined

  constructor(
    private readonly options: GroupCoordinatorOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.store = new GroupStore(options, clock, logger)
  }

  private get groups(): Map<string, ClassicGroup> {
    return this.store.groups
  }

  get status(): CoordinatorStatus {
    return this.currentStatus
  }

  /** Reads the persisted groups and offsets, then starts serving. */
  async load(): Promise<void> {
    this.store.load()
    // members of a reloaded generation keep it as long as they keep heartbeating
    for (const group of this.groups.values()) {
      for (const member of group.members.values()) this.scheduleSession(group, member)
    }
    this.currentStatus = 'active'
    this.scheduleCleanup()
  }

  /**
   * Stops serving: parked joins and syncs are answered NOT_COORDINATOR (the
   * client looks for the coordinator again, as after a Kafka broker moves its
   * groups), timers stop, and the log is synced and compacted.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async shutdown(): Promise<void> {
    this.currentStatus = 'inactive'
    this.cancel(this.cleanupTimer)
    for (const group of this.groups.values()) {
      this.cancel(group.joinTimer)
      this.cancel(group.syncTimer)
      for (const timer of group.pendingMembers.values()) this.cancel(timer)
      for (const member of group.members.values()) {
        this.cancel(member.sessionTimer)
        member.answerJoin(joinError(member.memberId, ErrorCode.NOT_COORDINATOR))
        member.answerSync(syncError(ErrorCode.NOT_COORDINATOR))
      }
    }
    await this.store.close()
  }

  // ---------------------------------------------------------------- JoinGroup

  async joinGroup(req: JoinRequest): Promise<JoinOutcome> {
    const statusError = this.checkStatus(req.groupId, false)
    if (statusError !== null) return joinError(req.memberId, statusError)
    if (
      req.sessionTimeoutMs < this.options.minSessionTimeoutMs ||
      req.sessionTimeoutMs > this.options.maxSessionTimeoutMs
    ) {
      return joinError(req.memberId, ErrorCode.INVALID_SESSION_TIMEOUT)
    }
    const isNewMember = req.memberId === ''
    let group = this.groups.get(req.groupId)
    if (!group) {
      // only a member without an id may create a group; a known id in an unknown group is stale
      if (!isNewMember) return joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID)
      group = this.store.getOrCreate(req.groupId)
    }
    const target = group
    return new Promise<JoinOutcome>((respond) => {
      const immediate = isNewMember
        ? this.joinNewMember(target, req, respond)
        : this.joinCurrentMember(target, req, respond)
      if (immediate) respond(immediate)
      if (target.is('PreparingRebalance')) this.maybeCompleteJoin(target)
    })
  }

  /** Returns the answer when it is known now; otherwise `respond` is parked with the member. */
  private joinNewMember(
    group: ClassicGroup,
    req: JoinRequest,
    respond: (o: JoinOutcome) => void,
  ): JoinOutcome | undefined {
    if (group.is('Dead')) return joinError('', ErrorCode.COORDINATOR_NOT_AVAILABLE)
    const names = req.protocols.map((p) => p.name)
    if (!group.supportsProtocols(req.protocolType, names)) {
      return joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    }
    const memberId = newMemberId(req.clientId, req.groupInstanceId)
    if (req.groupInstanceId !== null) {
      const oldMemberId = group.staticMemberId(req.groupInstanceId)
      if (oldMemberId !== undefined) {
        this.replaceStaticMember(group, req.groupInstanceId, oldMemberId, memberId, req, respond)
      } else {
        this.addMemberAndRebalance(group, memberId, req, respond)
      }
      return undefined
    }
    if (req.requireKnownMemberId) {
      // the id only becomes a member when the client comes back with it, which proves it received the answer
      this.addPendingMember(group, memberId, req.sessionTimeoutMs)
      return joinError(memberId, ErrorCode.MEMBER_ID_REQUIRED)
    }
    this.addMemberAndRebalance(group, memberId, req, respond)
    return undefined
  }

  private joinCurrentMember(
    group: ClassicGroup,
    req: JoinRequest,
    respond: (o: JoinOutcome) => void,
  ): JoinOutcome | undefined {
    if (group.is('Dead')) return joinError(req.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE)
    const names = req.protocols.map((p) => p.name)
    if (!group.supportsProtocols(req.protocolType, names)) {
      return joinError(req.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    }
    if (group.isPendingMember(req.memberId)) {
      // pending ids are only handed to dynamic members; a static join with one is told to start over
      if (req.groupInstanceId !== null) return joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID)
      this.addMemberAndRebalance(group, req.memberId, req, respond)
      return undefined
    }
    const memberError = this.memberError(group, req.memberId, req.groupInstanceId)
    if (memberError !== null) return joinError(req.memberId, memberError)
    const member = group.get(req.memberId)!
    switch (group.state) {
      case 'PreparingRebalance':
        break
      case 'CompletingRebalance':
        // same subscription: the member probably lost the join answer, so it gets it again
        if (member.matches(req.protocols)) return this.generationOutcome(group, member)
        break
      case 'Stable':
        // the leader rejoining means it wants a new assignment (topic metadata changed, say)
        if (!group.isLeader(member.memberId) && member.matches(req.protocols)) {
          return { ...this.generationOutcome(group, member), members: [] }
        }
        break
      default:
        return joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID)
    }
    this.updateMember(member, req, respond)
    this.maybePrepareRebalance(group)
    return undefined
  }

  private addMemberAndRebalance(
    group: ClassicGroup,
    memberId: string,
    req: JoinRequest,
    respond: (o: JoinOutcome) => void,
  ): void {
    this.cancel(group.pendingMembers.get(memberId))
    const member = new GroupMember(
      memberId,
      req.groupInstanceId,
      req.clientId,
      req.clientHost,
      req.rebalanceTimeoutMs,
      req.sessionTimeoutMs,
      req.protocolType,
      req.protocols,
    )
    member.isNew = true
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true
    group.add(member)
    member.awaitingJoin = respond
    // it cannot heartbeat before its first generation, so this bounds how long it may sit in the rebalance
    this.scheduleSession(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS)
    this.maybePrepareRebalance(group)
  }

  private updateMember(member: GroupMember, req: JoinRequest, respond: (o: JoinOutcome) => void): void {
    member.protocols = [...req.protocols]
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs
    member.sessionTimeoutMs = req.sessionTimeoutMs
    member.clientId = req.clientId
    member.clientHost = req.clientHost
    // a join the client already gave up on (it retried elsewhere) must not hold up its connection
    member.answerJoin(joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS))
    member.awaitingJoin = respond
  }

  /**
   * A static member came back without its member id (a restarted process):
   * it takes over the old member's place. In a Stable group whose assignor
   * stays the same there is no rebalance: it gets the current generation and
   * the old leader's id (so that it never runs an assignment the group would
   * ignore), then its old assignment through SyncGroup.
   */
  private replaceStaticMember(
    group: ClassicGroup,
    groupInstanceId: string,
    oldMemberId: string,
    memberId: string,
    req: JoinRequest,
    respond: (o: JoinOutcome) => void,
  ): void {
    const currentLeader = group.leaderId
    const old = group.get(oldMemberId)!
    old.answerJoin(joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID))
    old.answerSync(syncError(ErrorCode.FENCED_INSTANCE_ID))
    const previous = {
      protocols: old.protocols,
      rebalanceTimeoutMs: old.rebalanceTimeoutMs,
      sessionTimeoutMs: old.sessionTimeoutMs,
      clientId: old.clientId,
      clientHost: old.clientHost,
    }
    const member = group.replaceStaticMember(groupInstanceId, oldMemberId, memberId)
    this.updateMember(member, req, respond)
    this.scheduleSession(group, member)
    switch (group.state) {
      case 'Stable': {
        if (group.selectProtocol() !== group.protocolName) {
          this.maybePrepareRebalance(group)
          return
        }
        try {
          this.store.saveGroup(group)
        } catch (err) {
          this.logger.error(`cannot store group ${group.groupId}: ${(err as Error).message}`)
          member.awaitingJoin = null
          Object.assign(member, previous)
          const restored = group.replaceStaticMember(groupInstanceId, memberId, oldMemberId)
          this.scheduleSession(group, restored)
          respond(joinError('', ErrorCode.NOT_COORDINATOR))
          return
        }
        member.answerJoin({
          errorCode: ErrorCode.NONE,
          generationId: group.generationId,
          protocolType: group.protocolType,
          protocolName: group.protocolName,
          leader: currentLeader ?? '',
          memberId,
          members: [],
        })
        return
      }
      case 'CompletingRebalance':
        // the leader may already be assigning to the old id; only a new generation can include the new one
        this.prepareRebalance(group)
        return
      case 'PreparingRebalance':
        return
      default:
        member.answerJoin(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID))
    }
  }

  private addPendingMember(group: ClassicGroup, memberId: string, sessionTimeoutMs: number): void {
    const timer = this.schedule(() => {
      if (!group.pendingMembers.has(memberId)) return
      group.pendingMembers.delete(memberId)
      this.logger.debug(`pending member ${memberId} of group ${group.groupId} never joined`)
      this.maybeCompleteJoin(group)
    }, sessionTimeoutMs)
    group.pendingMembers.set(memberId, timer)
  }

  private removePendingMember(group: ClassicGroup, memberId: string): void {
    this.cancel(group.pendingMembers.get(memberId))
    group.pendingMembers.delete(memberId)
    this.maybeCompleteJoin(group)
  }

  // ---------------------------------------------------------------- rebalance

  private maybePrepareRebalance(group: ClassicGroup): void {
    if (canStartRebalance(group.state)) this.prepareRebalance(group)
  }

  private prepareRebalance(group: ClassicGroup): void {
    if (group.is('CompletingRebalance')) this.resetAssignments(group, ErrorCode.REBALANCE_IN_PROGRESS)
    this.clearPendingSync(group)
    const wasEmpty = group.is('Empty')
    group.transitionTo('PreparingRebalance')
    if (wasEmpty) {
      const delay = this.options.initialRebalanceDelayMs
      this.scheduleInitialJoin(group, delay, Math.max(group.rebalanceTimeoutMs - delay, 0))
    } else {
      this.scheduleJoin(group)
      this.maybeCompleteJoin(group)
    }
  }

  /**
   * A new group waits `initialRebalanceDelayMs` before forming its first
   * generation, and again each time another member arrived meanwhile, but
   * never longer in all than the rebalance timeout. Consumers started
   * together then share one rebalance instead of one each.
   */
  private scheduleInitialJoin(group: ClassicGroup, delayMs: number, remainingMs: number): void {
    this.cancel(group.joinTimer)
    group.inInitialDelay = true
    group.joinTimer = this.schedule(() => {
      group.joinTimer = undefined
      if (!group.is('PreparingRebalance')) return
      if (group.newMemberAdded && remainingMs > 0) {
        group.newMemberAdded = false
        const next = Math.min(this.options.initialRebalanceDelayMs, remainingMs)
        this.scheduleInitialJoin(group, next, remainingMs - next)
        return
      }
      group.inInitialDelay = false
      this.completeJoin(group)
    }, delayMs)
  }

  /** Bounds the join phase by the rebalance timeout; it ends earlier once every member has rejoined. */
  private scheduleJoin(group: ClassicGroup): void {
    this.cancel(group.joinTimer)
    group.inInitialDelay = false
    group.joinTimer = this.schedule(() => {
      group.joinTimer = undefined
      if (group.is('PreparingRebalance')) this.completeJoin(group)
    }, group.rebalanceTimeoutMs)
  }

  private maybeCompleteJoin(group: ClassicGroup): void {
    if (group.is('PreparingRebalance') && !group.inInitialDelay && group.hasAllMembersJoined()) {
      this.completeJoin(group)
    }
  }

  /**
   * Ends the join phase: dynamic members that did not rejoin are dropped,
   * the next generation starts, and every member gets its JoinGroup answer
   * (the leader with everyone's subscriptions).
   */
  private completeJoin(group: ClassicGroup): void {
    this.cancel(group.joinTimer)
    group.joinTimer = undefined
    group.inInitialDelay = false
    for (const member of group.notYetRejoined()) {
      if (!member.isStatic) this.dropMember(group, member, ErrorCode.UNKNOWN_MEMBER_ID)
    }
    if (group.is('Dead')) return
    if (!group.electJoinedLeader() && group.size > 0) {
      // only absent static members are left: wait for them to come back or for their sessions to end
      this.scheduleJoin(group)
      return
    }
    group.initNextGeneration()
    if (group.is('Empty')) {
      this.persistQuietly(group)
      return
    }
    this.logger.debug(
      `group ${group.groupId} generation ${group.generationId} formed with ${group.size} members`,
    )
    for (const member of group.members.values()) {
      member.answerJoin(this.generationOutcome(group, member))
      this.scheduleSession(group, member)
      member.isNew = false
      group.pendingSync.add(member.memberId)
    }
    this.schedulePendingSync(group)
  }

  /** The current generation as a JoinGroup answer for `member`. */
  private generationOutcome(group: ClassicGroup, member: GroupMember): JoinOutcome {
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      members: group.isLeader(member.memberId) ? group.currentMemberMetadata() : [],
    }
  }

  /** Members that never send SyncGroup for a generation are dropped after the rebalance timeout. */
  private schedulePendingSync(group: ClassicGroup): void {
    this.cancel(group.syncTimer)
    const generation = group.generationId
    group.syncTimer = this.schedule(() => {
      group.syncTimer = undefined
      if (generation !== group.generationId) return
      if (!(group.is('CompletingRebalance') || group.is('Stable')) || group.pendingSync.size === 0) return
      for (const memberId of [...group.pendingSync]) {
        const member = group.get(memberId)
        if (member) this.dropMember(group, member, ErrorCode.UNKNOWN_MEMBER_ID)
      }
      this.prepareRebalance(group)
    }, group.rebalanceTimeoutMs)
  }

  private removePendingSync(group: ClassicGroup, memberId: string): void {
    group.pendingSync.delete(memberId)
    if (group.pendingSync.size === 0) {
      this.cancel(group.syncTimer)
      group.syncTimer = undefined
    }
  }

  private clearPendingSync(group: ClassicGroup): void {
    group.pendingSync.clear()
    this.cancel(group.syncTimer)
    group.syncTimer = undefined
  }

  // ---------------------------------------------------------------- SyncGroup

  async syncGroup(req: SyncRequest): Promise<SyncOutcome> {
    const statusError = this.checkStatus(req.groupId, false)
    // a coordinator still loading has lost any rebalance in progress: the member must rejoin
    if (statusError === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
      return syncError(ErrorCode.REBALANCE_IN_PROGRESS)
    if (statusError !== null) return syncError(statusError)
    const group = this.groups.get(req.groupId)
    if (!group) return syncError(ErrorCode.UNKNOWN_MEMBER_ID)
    if (group.is('Dead')) return syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    const memberError = this.memberError(group, req.memberId, req.groupInstanceId)
    if (memberError !== null) return syncError(memberError)
    if (req.generationId !== group.generationId) return syncError(ErrorCode.ILLEGAL_GENERATION)
    if (
      (req.protocolType !== null && req.protocolType !== group.protocolType) ||
      (req.protocolName !== null && req.protocolName !== group.protocolName)
    ) {
      return syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    }
    const member = group.get(req.memberId)!
    switch (group.state) {
      case 'PreparingRebalance':
        return syncError(ErrorCode.REBALANCE_IN_PROGRESS)
      case 'Stable':
        this.removePendingSync(group, member.memberId)
        this.scheduleSession(group, member)
        return syncSuccess(group.protocolType, group.protocolName, member.assignment)
      case 'CompletingRebalance':
        return new Promise<SyncOutcome>((respond) => {
          member.answerSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS))
          member.awaitingSync = respond
          this.removePendingSync(group, member.memberId)
          if (group.isLeader(member.memberId)) this.completeSync(group, req.assignments)
        })
      default:
        return syncError(ErrorCode.UNKNOWN_MEMBER_ID)
    }
  }

  /** The leader's assignment arrived: store the generation, then answer every waiting member. */
  private completeSync(group: ClassicGroup, assignments: ReadonlyMap<string, Buffer>): void {
    for (const member of group.members.values()) member.assignment = assignments.get(member.memberId) ?? EMPTY
    try {
      this.store.saveGroup(group)
    } catch (err) {
      this.logger.error(`cannot store group ${group.groupId}: ${(err as Error).message}`)
      this.resetAssignments(group, ErrorCode.NOT_COORDINATOR)
      this.maybePrepareRebalance(group)
      return
    }
    for (const member of group.members.values()) {
      if (member.answerSync(syncSuccess(group.protocolType, group.protocolName, member.assignment))) {
        this.scheduleSession(group, member)
      }
    }
    group.transitionTo('Stable')
  }

  /** Clears the assignments and fails every waiting SyncGroup (a new rebalance started, or storing failed). */
  private resetAssignments(group: ClassicGroup, errorCode: number): void {
    for (const member of group.members.values()) {
      member.assignment = EMPTY
      if (member.answerSync(syncError(errorCode))) this.scheduleSession(group, member)
    }
  }

  // ---------------------------------------------------------------- Heartbeat

  heartbeat(req: HeartbeatRequest): number {
    const statusError = this.checkStatus(req.groupId, false)
    // while loading, a heartbeat cannot be checked; answering it keeps members from rejoining needlessly
    if (statusError === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) return ErrorCode.NONE
    if (statusError !== null) return statusError
    const group = this.groups.get(req.groupId)
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE
    const memberError = this.memberError(group, req.memberId, req.groupInstanceId)
    if (memberError !== null) return memberError
    if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    const member = group.get(req.memberId)!
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.scheduleSession(group, member)
        return ErrorCode.NONE
      case 'PreparingRebalance':
        // still alive, but must rejoin
        this.scheduleSession(group, member)
        return ErrorCode.REBALANCE_IN_PROGRESS
      default:
        return ErrorCode.UNKNOWN_MEMBER_ID
    }
  }

  // ---------------------------------------------------------------- LeaveGroup

  leaveGroup(groupId: string, leaving: readonly MemberIdentity[]): LeaveResult {
    const statusError = this.checkStatus(groupId, false)
    if (statusError !== null) return { errorCode: statusError, members: [] }
    const group = this.groups.get(groupId)
    if (!group) {
      return {
        errorCode: ErrorCode.NONE,
        members: leaving.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })),
      }
    }
    if (group.is('Dead')) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] }
    const members = leaving.map((m) => ({ ...m, errorCode: this.leaveOne(group, m) }))
    return { errorCode: ErrorCode.NONE, members }
  }

  private leaveOne(group: ClassicGroup, { memberId, groupInstanceId }: MemberIdentity): number {
    if (memberId === '') {
      // an administrator removing a static member by instance id alone
      const current = groupInstanceId === null ? undefined : group.staticMemberId(groupInstanceId)
      if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
      this.removeMemberAndUpdateGroup(group, group.get(current)!)
      return ErrorCode.NONE
    }
    if (group.isPendingMember(memberId)) {
      this.removePendingMember(group, memberId)
      return ErrorCode.NONE
    }
    const memberError = this.memberError(group, memberId, groupInstanceId)
    if (memberError !== null) return memberError
    this.removeMemberAndUpdateGroup(group, group.get(memberId)!)
    return ErrorCode.NONE
  }

  // ---------------------------------------------------------------- membership changes

  private removeMemberAndUpdateGroup(group: ClassicGroup, member: GroupMember): void {
    this.dropMember(group, member, ErrorCode.UNKNOWN_MEMBER_ID)
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.maybePrepareRebalance(group)
        break
      case 'PreparingRebalance':
        this.maybeCompleteJoin(group)
        break
      default:
        break
    }
  }

  /** Takes the member out, answering what it had parked; the caller moves the group on. */
  private dropMember(group: ClassicGroup, member: GroupMember, errorCode: number): void {
    this.cancel(member.sessionTimer)
    member.sessionTimer = undefined
    member.answerJoin(joinError('', errorCode))
    member.answerSync(syncError(errorCode))
    group.remove(member.memberId)
  }

  /**
   * A member's session: without a heartbeat (or join, sync, commit) for its
   * session timeout it is removed and the group rebalances. Members parked in
   * a JoinGroup or SyncGroup count as alive: the rebalance timeout bounds
   * those waits. A brand-new member is the exception, bounded by its own
   * join timeout, since it cannot heartbeat yet.
   */
  private scheduleSession(
    group: ClassicGroup,
    member: GroupMember,
    timeoutMs = member.sessionTimeoutMs,
  ): void {
    this.cancel(member.sessionTimer)
    member.sessionTimer = this.schedule(() => {
      member.sessionTimer = undefined
      if (group.is('Dead') || group.get(member.memberId) !== member) return
      if (!member.isNew && (member.awaitingJoin !== null || member.awaitingSync !== null)) return
      this.logger.info(`member ${member.memberId} of group ${group.groupId} timed out`)
      this.removeMemberAndUpdateGroup(group, member)
    }, timeoutMs)
  }

  /** FENCED_INSTANCE_ID when a newer incarnation holds the instance id, UNKNOWN_MEMBER_ID when the member is not in the group. */
  private memberError(group: ClassicGroup, memberId: string, groupInstanceId: string | null): number | null {
    if (groupInstanceId !== null) {
      if (group.staticMemberId(groupInstanceId) === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
      if (group.isStaticMemberFenced(memberId, groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID
    }
    return group.has(memberId) ? null : ErrorCode.UNKNOWN_MEMBER_ID
  }

  // ---------------------------------------------------------------- offsets

  /**
   * Stores committed offsets, answering one error code per offset in order.
   * A group with no active members accepts commits with generation -1 and no
   * member id (consumers assigning partitions themselves); otherwise the
   * committer must be a current member of the current generation. The
   * caller has already refused offsets of unknown partitions.
   */
  async commitOffsets(req: CommitRequest): Promise<number[]> {
    const all = (code: number) => req.offsets.map(() => code)
    const statusError = this.checkStatus(req.groupId, true)
    if (statusError !== null) return all(statusError)
    let group = this.groups.get(req.groupId)
    if (!group) {
      if (req.generationId >= 0) return all(ErrorCode.ILLEGAL_GENERATION)
      group = this.store.getOrCreate(req.groupId)
    }
    const commitError = this.commitError(group, req)
    if (commitError !== null) return all(commitError)
    if (group.is('CompletingRebalance')) return all(ErrorCode.REBALANCE_IN_PROGRESS)
    const member = group.get(req.memberId)
    if (member) this.scheduleSession(group, member)

    const now = this.clock.now()
    const results = req.offsets.map((o) =>
      o.metadata !== null && o.metadata.length > this.options.offsetMetadataMaxBytes
        ? ErrorCode.OFFSET_METADATA_TOO_LARGE
        : ErrorCode.NONE,
    )
    const accepted = req.offsets.filter((_, i) => results[i] === ErrorCode.NONE)
    if (accepted.length === 0) return results
    const values = accepted.map((o) => ({
      topic: o.topic,
      partition: o.partition,
      value: {
        offset: o.offset,
        leaderEpoch: o.leaderEpoch,
        metadata: o.metadata ?? '',
        commitTimestamp: now,
      } satisfies CommittedOffset,
    }))
    // in memory as soon as it is written, so that a compaction while this waits for its fsync keeps it
    const stored = await this.writeDurably(`offsets of group ${req.groupId}`, () =>
      this.store.saveOffsets(req.groupId, values),
    )
    return stored
      ? results
      : results.map((code) => (code === ErrorCode.NONE ? ErrorCode.NOT_COORDINATOR : code))
  }

  /**
   * Runs a write to the group store and, when each commit must be synced,
   * waits for the fsync. False (logged) when either fails: the log then
   * refuses every later write, so the coordinator is out of service.
   */
  private async writeDurably(what: string, write: () => void): Promise<boolean> {
    try {
      write()
    } catch (err) {
      this.logger.error(`cannot store ${what}: ${(err as Error).message}`)
      return false
    }
    if (!this.store.syncsEachCommit) return true
    try {
      await this.store.flush()
      return true
    } catch (err) {
      this.logger.error(`cannot sync ${what}: ${(err as Error).message}`)
      return false
    }
  }

  /**
   * Deletes committed offsets (OffsetDelete, KIP-496) by Kafka's rules for
   * classic groups: an unknown group is GROUP_ID_NOT_FOUND; a group with
   * members is NON_EMPTY_GROUP unless it is a consumer group, whose
   * partitions of topics a member subscribes to are each
   * GROUP_SUBSCRIBED_TO_TOPIC while the others are deleted. A partition with
   * nothing committed is answered NONE too. The caller has answered
   * partitions of unknown topics.
   */
  async deleteOffsets(
    groupId: string,
    topics: readonly { name: string; partitions: readonly number[] }[],
  ): Promise<DeletedOffsets> {
    const failed = (errorCode: number): DeletedOffsets => ({ errorCode, topics: [] })
    const statusError = this.checkStatus(groupId, true)
    if (statusError !== null) return failed(statusError)
    const group = this.groups.get(groupId)
    if (!group || group.is('Dead')) return failed(ErrorCode.GROUP_ID_NOT_FOUND)
    const active = !group.is('Empty')
    if (active && group.protocolType !== 'consumer') return failed(ErrorCode.NON_EMPTY_GROUP)
    const subscribed = active ? subscribedTopics(group) : new Set<string>()
    const deleting: { topic: string; partition: number }[] = []
    const answered = topics.map((t) => {
      const inUse = subscribed === null || subscribed.has(t.name)
      for (const partition of t.partitions) {
        if (!inUse && this.store.offsets.get(groupId, t.name, partition))
          deleting.push({ topic: t.name, partition })
      }
      const errorCode = inUse ? ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC : ErrorCode.NONE
      return { name: t.name, partitions: t.partitions.map((partition) => ({ partition, errorCode })) }
    })
    if (deleting.length > 0) {
      const stored = await this.writeDurably(`offset deletion of group ${groupId}`, () =>
        this.store.deleteOffsets(groupId, deleting),
      )
      if (!stored) return failed(ErrorCode.NOT_COORDINATOR)
      this.logger.info(`deleted ${deleting.length} committed offsets of group ${groupId}`)
    }
    return { errorCode: ErrorCode.NONE, topics: answered }
  }

  private commitError(group: ClassicGroup, req: CommitRequest): number | null {
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE
    if (req.generationId < 0 && group.is('Empty')) return null
    if (req.generationId >= 0 || req.memberId !== '' || req.groupInstanceId !== null) {
      const memberError = this.memberError(group, req.memberId, req.groupInstanceId)
      if (memberError !== null) return memberError
      return req.generationId === group.generationId ? null : ErrorCode.ILLEGAL_GENERATION
    }
    // an anonymous commit while the group has members would overwrite their progress
    return group.is('Empty') ? null : ErrorCode.UNKNOWN_MEMBER_ID
  }

  /** Committed offsets of `topics`, or of every committed partition when null (see group-views.ts). */
  fetchOffsets(
    groupId: string,
    topics: readonly { name: string; partitions: readonly number[] }[] | null,
  ): FetchedOffsets {
    const statusError = this.checkStatus(groupId, true)
    if (statusError !== null) return { errorCode: statusError, topics: [] }
    // no transactions exist here, so no commit is ever pending: requireStable needs no special answer
    return { errorCode: ErrorCode.NONE, topics: committedOffsetsView(this.store.offsets, groupId, topics) }
  }

  // ---------------------------------------------------------------- administration

  describeGroup(groupId: string): DescribedGroup {
    const statusError = this.checkStatus(groupId, true)
    if (statusError !== null) {
      return { errorCode: statusError, groupId, state: '', protocolType: '', protocolName: '', members: [] }
    }
    return describeGroupView(groupId, this.groups.get(groupId))
  }

  /** Groups in any of `states`, or all; while loading, those loaded so far with COORDINATOR_LOAD_IN_PROGRESS. */
  listGroups(states: readonly string[]): { errorCode: number; groups: ListedGroup[] } {
    if (this.currentStatus === 'inactive')
      return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groups: [] }
    const errorCode =
      this.currentStatus === 'loading' ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE
    return { errorCode, groups: listGroupsView(this.groups.values(), states) }
  }

  /** Deletes groups with no active members, with their offsets; one error code per id. */
  deleteGroups(groupIds: readonly string[]): { groupId: string; errorCode: number }[] {
    return groupIds.map((groupId) => ({ groupId, errorCode: this.deleteOne(groupId) }))
  }

  private deleteOne(groupId: string): number {
    const statusError = this.checkStatus(groupId, true)
    if (statusError !== null) return statusError
    const group = this.groups.get(groupId)
    if (!group || group.is('Dead')) return ErrorCode.GROUP_ID_NOT_FOUND
    if (!group.is('Empty')) return ErrorCode.NON_EMPTY_GROUP
    try {
      this.forget(group)
    } catch (err) {
      this.logger.error(`cannot delete group ${groupId}: ${(err as Error).message}`)
      return ErrorCode.NOT_COORDINATOR
    }
    return ErrorCode.NONE
  }

  /** Deletes the group with its offsets (throws, changing nothing, when that cannot be recorded). */
  private forget(group: ClassicGroup): void {
    this.store.deleteGroup(group.groupId)
    group.transitionTo('Dead')
    for (const timer of group.pendingMembers.values()) this.cancel(timer)
    group.pendingMembers.clear()
    this.cancel(group.joinTimer)
    this.cancel(group.syncTimer)
  }

  /** Empty groups that hold no offsets are forgotten periodically, as Kafka's offset expiration pass does. */
  private scheduleCleanup(): void {
    this.cleanupTimer = this.schedule(() => {
      for (const group of [...this.groups.values()]) {
        const idle =
          group.is('Empty') && group.pendingMembers.size === 0 && !this.store.offsets.hasAny(group.groupId)
        if (!idle) continue
        try {
          this.forget(group)
        } catch (err) {
          this.logger.error(`cannot forget group ${group.groupId}: ${(err as Error).message}`)
        }
      }
      if (this.currentStatus === 'active') this.scheduleCleanup()
    }, CLEANUP_INTERVAL_MS)
  }

  /** For an Empty generation: losing it is harmless (its members would all time out after a restart anyway). */
  private persistQuietly(group: ClassicGroup): void {
    try {
      this.store.saveGroup(group)
    } catch (err) {
      this.logger.warn(`cannot store empty group ${group.groupId}: ${(err as Error).message}`)
    }
  }

  // ---------------------------------------------------------------- helpers

  /**
   * INVALID_GROUP_ID for an empty id where one is required (offset and admin
   * APIs accept it, as Kafka does for old clients), COORDINATOR_NOT_AVAILABLE
   * once stopped, COORDINATOR_LOAD_IN_PROGRESS while loading.
   */
  private checkStatus(groupId: string, emptyIdAllowed: boolean): number | null {
    if (groupId === '' && !emptyIdAllowed) return ErrorCode.INVALID_GROUP_ID
    if (this.currentStatus === 'inactive') return ErrorCode.COORDINATOR_NOT_AVAILABLE
    if (this.currentStatus === 'loading') return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
    return null
  }

  private schedule(fn: () => void, ms: number): unknown {
    const handle = this.clock.setTimeout(fn, Math.min(Math.max(ms, 0), MAX_TIMER_MS))
    // group timers alone must not keep a process alive
    ;(handle as { unref?: () => void } | null)?.unref?.()
    return handle
  }

  private cancel(handle: unknown): void {
    if (handle !== undefined) this.clock.clearTimeout(handle)
  }
}
