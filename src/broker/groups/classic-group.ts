import type { GroupMember } from './group-member.js'
import { canTransition, type GroupState } from './group-state.js'

/**
 * One classic group's membership: members, static instance ids, the leader,
 * the generation and chosen assignor, plus the bookkeeping of a rebalance
 * (members that were handed an id but have not joined with it yet, members
 * that have not sent SyncGroup for the current generation). It knows nothing
 * of time or requests; the coordinator drives it.
 */
export class ClassicGroup {
  private currentState: GroupState
  generationId = 0
  /** Set by the first member to join; null for a group that only stores offsets. */
  protocolType: string | null = null
  /** The assignor chosen for the current generation; null while Empty. */
  protocolName: string | null = null
  leaderId: string | null = null
  /** In join order, which also decides the new leader when the old one leaves. */
  readonly members = new Map<string, GroupMember>()
  private readonly staticMembers = new Map<string, string>()
  /** Ids handed out with MEMBER_ID_REQUIRED, waiting for the JoinGroup that uses them, with their expiry timers. */
  readonly pendingMembers = new Map<string, unknown>()
  /** Members of the current generation that have not sent SyncGroup yet. */
  readonly pendingSync = new Set<string>()
  /** A member joined during the initial delay of a new group's first rebalance, so the delay starts over. */
  newMemberAdded = false

  /** Timer bounding the join phase (or running the initial delay); owned by the coordinator. */
  joinTimer: unknown = undefined
  /** The join phase is a new group's initial delay, which runs its full length even when everyone has joined. */
  inInitialDelay = false
  /** Timer bounding the wait for every member's SyncGroup. */
  syncTimer: unknown = undefined

  constructor(
    readonly groupId: string,
    initialState: GroupState = 'Empty',
  ) {
    this.currentState = initialState
  }

  get state(): GroupState {
    return this.currentState
  }

  is(state: GroupState): boolean {
    return this.currentState === state
  }

  transitionTo(state: GroupState): void {
    if (!canTransition(this.currentState, state)) {
      throw new Error(`group ${this.groupId} cannot go from ${this.currentState} to ${state}`)
    }
    this.currentState = state
  }

  get size(): number {
    return this.members.size
  }

  has(memberId: string): boolean {
    return this.members.has(memberId)
  }

  get(memberId: string): GroupMember | undefined {
    return this.members.get(memberId)
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId
  }

  isPendingMember(memberId: string): boolean {
    return this.pendingMembers.has(memberId)
  }

  staticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId)
  }

  /** The instance id is held by a different member id: the caller is an older incarnation. */
  isStaticMemberFenced(memberId: string, groupInstanceId: string | null): boolean {
    if (groupInstanceId === null) return false
    const current = this.staticMembers.get(groupInstanceId)
    return current !== undefined && current !== memberId
  }

  add(member: GroupMember): void {
    if (this.members.size === 0) this.protocolType = member.protocolType
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId)
    this.leaderId ??= member.memberId
    this.members.set(member.memberId, member)
    this.pendingMembers.delete(member.memberId)
  }

  /** Forgets the member; a departing leader hands over to the longest-standing member left. */
  remove(memberId: string): GroupMember | undefined {
    const member = this.members.get(memberId)
    if (member) {
      this.members.delete(memberId)
      if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
        this.staticMembers.delete(member.groupInstanceId)
      }
    }
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null
    this.pendingMembers.delete(memberId)
    this.pendingSync.delete(memberId)
    return member
  }

  /**
   * Gives a static member's place (assignment, leadership, pending sync) to
   * the new member id it rejoined with. The caller answers whatever the old
   * incarnation still had parked.
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): GroupMember {
    const member = this.members.get(oldMemberId)
    if (!member) throw new Error(`group ${this.groupId} has no member ${oldMemberId} to replace`)
    this.members.delete(oldMemberId)
    member.memberId = newMemberId
    this.members.set(newMemberId, member)
    this.staticMembers.set(groupInstanceId, newMemberId)
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId
    if (this.pendingSync.delete(oldMemberId)) this.pendingSync.add(newMemberId)
    return member
  }

  /**
   * Whether a member of this protocol type supporting these assignors may
   * join: the first member sets the type; later ones must share it and
   * support at least one assignor every current member supports.
   */
  supportsProtocols(protocolType: string, protocolNames: readonly string[]): boolean {
    if (this.members.size === 0) return protocolType !== '' && protocolNames.length > 0
    if (this.protocolType !== protocolType) return false
    const candidates = this.candidateProtocols()
    return protocolNames.some((name) => candidates.has(name))
  }

  /** Assignors every member supports. */
  candidateProtocols(): Set<string> {
    const members = [...this.members.values()]
    const first = members[0]
    if (!first) return new Set()
    return new Set(
      first.protocols.map((p) => p.name).filter((name) => members.every((m) => m.supports(name))),
    )
  }

  /**
   * The assignor for the next generation: each member votes for its most
   * preferred common one and the most votes win; a tie goes to the
   * candidate voted for first, in join order, so the choice is repeatable.
   */
  selectProtocol(): string {
    const candidates = this.candidateProtocols()
    const votes = new Map<string, number>()
    for (const member of this.members.values()) {
      const choice = member.vote(candidates)
      if (choice !== undefined) votes.set(choice, (votes.get(choice) ?? 0) + 1)
    }
    let best: string | undefined
    let bestVotes = 0
    for (const [name, count] of votes) {
      if (count > bestVotes) {
        best = name
        bestVotes = count
      }
    }
    if (best === undefined) throw new Error(`group ${this.groupId} has no assignor common to all members`)
    return best
  }

  /** How long a rebalance may wait for members to rejoin: the longest any member asked for. */
  get rebalanceTimeoutMs(): number {
    let max = 0
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs)
    return max
  }

  /** Every member has rejoined and no handed-out id is still outstanding. */
  hasAllMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false
    for (const m of this.members.values()) if (!m.awaitingJoin) return false
    return true
  }

  notYetRejoined(): GroupMember[] {
    return [...this.members.values()].filter((m) => !m.awaitingJoin)
  }

  /**
   * Makes sure the leader is a member that rejoined, moving leadership to
   * one that did if needed. False when no member rejoined at all.
   */
  electJoinedLeader(): boolean {
    if (this.leaderId === null) return false
    if (this.members.get(this.leaderId)?.awaitingJoin) return true
    for (const m of this.members.values()) {
      if (m.awaitingJoin) {
        this.leaderId = m.memberId
        return true
      }
    }
    return false
  }

  /** Starts the next generation: CompletingRebalance with a chosen assignor, or Empty without members. */
  initNextGeneration(): void {
    this.generationId++
    this.pendingSync.clear()
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol()
      this.transitionTo('CompletingRebalance')
    } else {
      this.protocolName = null
      this.transitionTo('Empty')
    }
  }

  /** What the leader is given to compute the assignment. */
  currentMemberMetadata(): { memberId: string; groupInstanceId: string | null; metadata: Buffer }[] {
    const protocol = this.protocolName ?? ''
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadataFor(protocol),
    }))
  }
}
