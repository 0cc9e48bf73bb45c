/**
 * LeaveGroup (13), versions 0-4.
 * - v0-2 name one member; its error is the response's error.
 * - v3+ name several, each by member id and/or static instance id, with one
 *   result each; an empty member id with an instance id removes that static
 *   member (the admin client's "remove members"). The top-level error is
 *   only for the group as a whole (coordinator not available...).
 * - A leaving member's group rebalances without it.
 * - Only the group's coordinator serves it (coordinator-gate.ts); any other
 *   node of a test cluster answers NOT_COORDINATOR.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import { coordinatorGate } from './coordinator-gate.js'
import { defineHandler } from './handler.js'

const BATCH_VERSION = 3

export const leaveGroupHandler = defineHandler({
  api: Apis.LeaveGroup,
  minVersion: 0,
  maxVersion: 4,
  handle(body, ctx) {
    const { broker, version } = ctx
    const gate = coordinatorGate(ctx, body.groupId)
    if (gate !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: gate, members: [] }
    const batched = version >= BATCH_VERSION
    const leaving = batched
      ? body.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
      : [{ memberId: body.memberId, groupInstanceId: null }]
    const result = broker.groups.leaveGroup(body.groupId, leaving)
    if (batched) return { throttleTimeMs: 0, errorCode: result.errorCode, members: result.members }
    const memberError = result.members.find((m) => m.errorCode !== ErrorCode.NONE)?.errorCode
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode !== ErrorCode.NONE ? result.errorCode : (memberError ?? ErrorCode.NONE),
      members: [],
    }
  },
})
