/**
 * DeleteGroups (42), versions 0-2.
 * - Only a group with no active members (Empty) can be deleted, with all its
 *   committed offsets; one with members is NON_EMPTY_GROUP, an unknown one
 *   GROUP_ID_NOT_FOUND. Each group succeeds or fails alone.
 * - A name asked twice is answered once, as Kafka treats the list as a set.
 * - Only the group's coordinator serves it (coordinator-gate.ts); any other
 *   node of a test cluster answers NOT_COORDINATOR for that group.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import { coordinatorGate } from './coordinator-gate.js'
import { defineHandler } from './handler.js'

export const deleteGroupsHandler = defineHandler({
  api: Apis.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  handle(body, ctx) {
    const groupIds = [...new Set(body.groupsNames)]
    const here = groupIds.filter((id) => coordinatorGate(ctx, id) === ErrorCode.NONE)
    const deleted = new Map(ctx.broker.groups.deleteGroups(here).map((r) => [r.groupId, r.errorCode]))
    return {
      throttleTimeMs: 0,
      results: groupIds.map((groupId) => ({
        groupId,
        errorCode: deleted.get(groupId) ?? coordinatorGate(ctx, groupId),
      })),
    }
  },
})
