/**
 * Heartbeat (12), versions 0-4. Keeps a member's session alive.
 * - REBALANCE_IN_PROGRESS while the group prepares a rebalance: the member
 *   must rejoin. ILLEGAL_GENERATION for an old generation, UNKNOWN_MEMBER_ID
 *   for a member the group does not have, FENCED_INSTANCE_ID (v3+) for an
 *   older incarnation of a static member.
 * - Only the group's coordinator serves it (coordinator-gate.ts); any other
 *   node of a test cluster answers NOT_COORDINATOR.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import { coordinatorGate } from './coordinator-gate.js'
import { defineHandler } from './handler.js'

export const heartbeatHandler = defineHandler({
  api: Apis.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  handle(body, ctx) {
    const { broker, version } = ctx
    const gate = coordinatorGate(ctx, body.groupId)
    if (gate !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: gate }
    const errorCode = broker.groups.heartbeat({
      groupId: body.groupId,
      generationId: body.generationId,
      memberId: body.memberId,
      groupInstanceId: version >= 3 ? body.groupInstanceId : null,
    })
    return { throttleTimeMs: 0, errorCode }
  },
})
