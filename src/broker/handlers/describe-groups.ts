/**
 * DescribeGroups (15), versions 0-5.
 * - State names as Kafka's: Empty, PreparingRebalance, CompletingRebalance,
 *   Stable, Dead. A group that does not exist is Dead with no error and no
 *   members (GROUP_ID_NOT_FOUND only exists from v6).
 * - The chosen assignor and each member's subscription and assignment are
 *   only given while the group is Stable; otherwise they are empty.
 * - v3+ authorized operations, when asked: without ACLs every group
 *   operation is allowed (READ, DELETE, DESCRIBE); otherwise INT32_MIN.
 */
import { Apis } from '../../protocol/messages/index.js'
import { defineHandler } from './handler.js'

/** Bits of Kafka's AclOperation codes READ (3), DELETE (6) and DESCRIBE (8). */
const ALL_GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8)
const NOT_REQUESTED = -2147483648

export const describeGroupsHandler = defineHandler({
  api: Apis.DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(body, { broker, version }) {
    const operations = version >= 3 && body.includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : NOT_REQUESTED
    return {
      throttleTimeMs: 0,
      groups: body.groups.map((groupId) => {
        const g = broker.groups.describeGroup(groupId)
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
