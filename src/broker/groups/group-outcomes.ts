import { ErrorCode } from '../../protocol/error-codes.js'

/** What a JoinGroup gets back; the handler maps it onto the version asked. */
export interface JoinOutcome {
  errorCode: number
  generationId: number
  /** Null when the join failed (JoinGroup v7 sends it back so clients can check it). */
  protocolType: string | null
  protocolName: string | null
  leader: string
  memberId: string
  /** Every member with its subscription for the chosen assignor; only the leader gets them. */
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[]
}

/** What a SyncGroup gets back. */
export interface SyncOutcome {
  errorCode: number
  protocolType: string | null
  protocolName: string | null
  assignment: Buffer
}

const EMPTY = Buffer.alloc(0)

/** A failed join: no generation, no leader, no members. */
export function joinError(memberId: string, errorCode: number): JoinOutcome {
  return {
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    memberId,
    members: [],
  }
}

export function syncError(errorCode: number): SyncOutcome {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY }
}

export function syncSuccess(
  protocolType: string | null,
  protocolName: string | null,
  assignment: Buffer,
): SyncOutcome {
  return { errorCode: ErrorCode.NONE, protocolType, protocolName, assignment }
}
