/**
 * DeleteGroups (42), versions 0-2.
 * - Only a group with no active members (Empty) can be deleted, with all its
 *   committed offsets; one with members is NON_EMPTY_GROUP, an unknown one
 *   GROUP_ID_NOT_FOUND. Each group succeeds or fails alone.
 * - A name asked twice is answered once, as Kafka treats the list as a set.
 */
import { Apis } from '../../protocol/messages/index.js'
import { defineHandler } from './handler.js'

export const deleteGroupsHandler = defineHandler({
  api: Apis.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  handle(body, { broker }) {
    return { throttleTimeMs: 0, results: broker.groups.deleteGroups([...new Set(body.groupsNames)]) }
  },
})
