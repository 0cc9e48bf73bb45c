/**
 * SyncGroup (14), versions 0-5. The state machine is in
 * groups/group-coordinator.ts.
 * - The leader sends every member's assignment; members it left out get an
 *   empty one. Followers' requests wait for the leader's.
 * - In a Stable group any member gets its current assignment at once.
 * - v3+ carries the static instance id; v5 must name the protocol type and
 *   name, which have to match the group's (INCONSISTENT_GROUP_PROTOCOL
 *   otherwise, also when v5 leaves them null, as Kafka checks).
 * - Only the group's coordinator serves it (coordinator-gate.ts); any other
 *   node of a test cluster answers NOT_COORDINATOR.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import { syncError } from '../groups/group-outcomes.js'
import { coordinatorGate } from './coordinator-gate.js'
import { defineHandler } from './handler.js'

const PROTOCOL_CHECK_VERSION = 5

export const syncGroupHandler = defineHandler({
  api: Apis.SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(body, ctx) {
    const { broker, version } = ctx
    const checksProtocol = version >= PROTOCOL_CHECK_VERSION
    const gate = coordinatorGate(ctx, body.groupId)
    const outcome =
      gate !== ErrorCode.NONE
        ? syncError(gate)
        : checksProtocol && (body.protocolType === null || body.protocolName === null)
          ? syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
          : await broker.groups.syncGroup({
              groupId: body.groupId,
              generationId: body.generationId,
              memberId: body.memberId,
              groupInstanceId: version >= 3 ? body.groupInstanceId : null,
              protocolType: checksProtocol ? body.protocolType : null,
              protocolName: checksProtocol ? body.protocolName : null,
              assignments: new Map(body.assignments.map((a) => [a.memberId, a.assignment])),
            })
    return {
      throttleTimeMs: 0,
      errorCode: outcome.errorCode,
      protocolType: outcome.protocolType,
      protocolName: outcome.protocolName,
      assignment: outcome.assignment,
    }
  },
})
