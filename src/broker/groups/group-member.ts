import { randomUUID } from 'node:crypto'
import type { JoinOutcome, SyncOutcome } from './group-outcomes.js'

/** One assignor a member supports, with the member's subscription for it (opaque to the broker). */
export interface MemberProtocol {
  readonly name: string
  readonly metadata: Buffer
}

const EMPTY = Buffer.alloc(0)

/**
 * A member id as Kafka makes them: the client id (or, for a static member,
 * its instance id) followed by a random UUID, so ids are unique yet still
 * say which client they belong to in DescribeGroups.
 */
export function newMemberId(clientId: string, groupInstanceId: string | null): string {
  return `${groupInstanceId ?? clientId}-${randomUUID()}`
}

/**
 * A member of a classic group. A JoinGroup or SyncGroup that has to wait
 * parks here as a callback until the coordinator answers it; a member never
 * has more than one of each.
 */
export class GroupMember {
  protocols: MemberProtocol[]
  assignment: Buffer = EMPTY
  /** True from the member's first join until its first generation completes. */
  isNew = false
  awaitingJoin: ((outcome: JoinOutcome) => void) | null = null
  awaitingSync: ((outcome: SyncOutcome) => void) | null = null
  /** The session (or new-member join) timer; the coordinator owns it. */
  sessionTimer: unknown = undefined

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    protocols: readonly MemberProtocol[],
  ) {
    this.protocols = [...protocols]
  }

  get isStatic(): boolean {
    return this.groupInstanceId !== null
  }

  /** Same assignors with the same subscriptions, in the same order: a rejoin that changes nothing. */
  matches(protocols: readonly MemberProtocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false
    return protocols.every(
      (p, i) => p.name === this.protocols[i].name && p.metadata.equals(this.protocols[i].metadata),
    )
  }

  /** The member's subscription for the group's chosen assignor. */
  metadataFor(protocolName: string): Buffer {
    return this.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY
  }

  supports(protocolName: string): boolean {
    return this.protocols.some((p) => p.name === protocolName)
  }

  /** The member's most preferred assignor among those every member supports. */
  vote(candidates: ReadonlySet<string>): string | undefined {
    return this.protocols.find((p) => candidates.has(p.name))?.name
  }

  /** Answers a parked JoinGroup, if any; true when there was one. */
  answerJoin(outcome: JoinOutcome): boolean {
    const callback = this.awaitingJoin
    if (!callback) return false
    this.awaitingJoin = null
    callback(outcome)
    return true
  }

  /** Answers a parked SyncGroup, if any; true when there was one. */
  answerSync(outcome: SyncOutcome): boolean {
    const callback = this.awaitingSync
    if (!callback) return false
    this.awaitingSync = null
    callback(outcome)
    return true
  }
}
