/**
 * The one check every group handler makes before touching a group
 * (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch,
 * DescribeGroups, DeleteGroups): does this node coordinate it? In a test
 * cluster a group belongs to the leader of its simulated `__consumer_offsets`
 * partition; every other node answers NOT_COORDINATOR, which sends clients
 * back to FindCoordinator. A lone broker coordinates every group.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import type { RequestContext } from './handler.js'

/** NONE when this node coordinates `groupId`, otherwise the error code to answer with. */
export function coordinatorGate(ctx: RequestContext, groupId: string): number {
  return ctx.broker.cluster.coordinatorOf(groupId) === ctx.broker.nodeId
    ? ErrorCode.NONE
    : ErrorCode.NOT_COORDINATOR
}
