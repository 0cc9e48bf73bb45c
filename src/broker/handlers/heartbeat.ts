/**
 * Heartbeat (12), versions 0-4. Keeps a member's session alive.
 * - REBALANCE_IN_PROGRESS while the group prepares a rebalance: the member
 *   must rejoin. ILLEGAL_GENERATION for an old generation, UNKNOWN_MEMBER_ID
 *   for a member the group does not have, FENCED_INSTANCE_ID (v3+) for an
 *   older incarnation of a static member.
 */
import { Apis } from '../../protocol/messages/index.js'
import { defineHandler } from './handler.js'

export const heartbeatHandler = defineHandler({
  api: Apis.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  handle(body, { broker, version }) {
    const errorCode = broker.groups.heartbeat({
      groupId: body.groupId,
      generationId: body.generationId,
      memberId: body.memberId,
      groupInstanceId: version >= 3 ? body.groupInstanceId : null,
    })
    return { throttleTimeMs: 0, errorCode }
  },
})
