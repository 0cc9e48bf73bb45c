/**
 * JoinGroup (11), versions 0-7. The group state machine is in
 * groups/group-coordinator.ts; this maps versions onto it.
 * - v0 has no rebalance timeout: the session timeout stands in for it.
 * - v4+: a dynamic member joining without an id gets MEMBER_ID_REQUIRED and
 *   an id to rejoin with (KIP-394); older versions are admitted directly.
 * - v5+: group.instance.id makes a static member (KIP-345).
 * - The answer may wait: until every member has rejoined, the rebalance
 *   timeout passes, or (for a new group) the initial rebalance delay ends.
 * - Before v7 the protocol name cannot be null, so a failed join sends "".
 * - The member's client host is its address as Kafka prints it, "/1.2.3.4".
 * - Only the group's coordinator serves it (coordinator-gate.ts); any other
 *   node of a test cluster answers NOT_COORDINATOR.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import { joinError } from '../groups/group-outcomes.js'
import { coordinatorGate } from './coordinator-gate.js'
import { defineHandler } from './handler.js'

/** v7 lets the protocol name be null and echoes the protocol type. */
const NULLABLE_PROTOCOL_VERSION = 7

export const joinGroupHandler = defineHandler({
  api: Apis.JoinGroup,
  minVersion: 0,
  maxVersion: 7,
  async handle(body, ctx) {
    const { broker, version, header, connection } = ctx
    const groupInstanceId = version >= 5 ? body.groupInstanceId : null
    const gate = coordinatorGate(ctx, body.groupId)
    const outcome =
      gate !== ErrorCode.NONE
        ? joinError(body.memberId, gate)
        : await broker.groups.joinGroup({
            groupId: body.groupId,
            memberId: body.memberId,
            groupInstanceId,
            requireKnownMemberId: version >= 4 && groupInstanceId === null,
            clientId: header.clientId ?? '',
            clientHost: `/${connection.socket.remoteAddress ?? ''}`,
            sessionTimeoutMs: body.sessionTimeoutMs,
            rebalanceTimeoutMs: version >= 1 ? body.rebalanceTimeoutMs : body.sessionTimeoutMs,
            protocolType: body.protocolType,
            protocols: body.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
          })
    const nullable = version >= NULLABLE_PROTOCOL_VERSION
    return {
      throttleTimeMs: 0,
      errorCode: outcome.errorCode,
      generationId: outcome.generationId,
      protocolType: outcome.protocolType,
      protocolName: nullable ? outcome.protocolName : (outcome.protocolName ?? ''),
      leader: outcome.leader,
      memberId: outcome.memberId,
      members: outcome.members,
    }
  },
})
