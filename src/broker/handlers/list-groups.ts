/**
 * ListGroups (16), versions 0-4.
 * - Every group this broker coordinates, including Empty ones that only hold
 *   offsets (their protocol type is "" when no member ever joined). In a
 *   test cluster that is only the groups placed on this node, as in Kafka,
 *   where a client lists a cluster's groups by asking every broker.
 * - v4 filters by state names, compared without case (KIP-518), and reports
 *   each group's state.
 */
import { Apis } from '../../protocol/messages/index.js'
import { defineHandler } from './handler.js'

export const listGroupsHandler = defineHandler({
  api: Apis.ListGroups,
  minVersion: 0,
  maxVersion: 4,
  handle(body, { broker, version }) {
    const listed = broker.groups.listGroups(version >= 4 ? body.statesFilter : [])
    const here = listed.groups.filter((g) => broker.cluster.coordinatorOf(g.groupId) === broker.nodeId)
    return {
      throttleTimeMs: 0,
      errorCode: listed.errorCode,
      groups: here.map((g) => ({
        groupId: g.groupId,
        protocolType: g.protocolType,
        groupState: g.state,
      })),
    }
  },
})
