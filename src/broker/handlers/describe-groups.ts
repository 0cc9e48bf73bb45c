/**
 * DescribeGroups (15), versions 0-5.
 * - State names as Kafka's: Empty, PreparingRebalance, CompletingRebalance,
 *   Stable, Dead. A group that does not exist is Dead with no error and no
 *   members (GROUP_ID_NOT_FOUND only exists from v6).
 * - The chosen assignor and each member's subscription and assignment are
 *   only given while the group is Stable; otherwise they are empty.
 * - v3+ authorized operations, when asked: without ACLs every group
 *   operation is allowed (READ, DELETE, DESCRIBE); otherwise INT32_MIN.
 * - Only the group's coordinator serves it (coordinator-gate.ts); any other
 *   node of a test cluster answers NOT_COORDINATOR for that group
 *   (with an empty state, as Kafka).
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import type { DescribedGroup } from '../groups/coordinator-requests.js'
import { coordinatorGate } from './coordinator-gate.js'
import { defineHandler } from './handler.js'

/** Bits of Kafka's AclOperation codes READ (3), DELETE (6) and DESCRIBE (8). */
const ALL_GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8)
const NOT_REQUESTED = -2147483648

export const describeGroupsHandler = defineHandler({
  api: Apis.DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(body, ctx) {
    const { broker, version } = ctx
    const operations = version >= 3 && body.includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : NOT_REQUESTED
    return {
      throttleTimeMs: 0,
      groups: body.groups.map((groupId) => {
        const gate = coordinatorGate(ctx, groupId)
        const g: DescribedGroup =
          gate === ErrorCode.NONE
            ? broker.groups.describeGroup(groupId)
            : { errorCode: gate, groupId, state: '', protocolType: '', protocolName: '', members: [] }
        return {
          errorCode: g.errorCode,
          groupId: g.groupId,
          groupState: g.state,
          protocolType: g.protocolType,
          protocolData: g.protocolName,
          members: g.members.map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            memberMetadata: m.metadata,
            memberAssignment: m.assignment,
          })),
          authorizedOperations: operations,
        }
      }),
    }
  },
})
