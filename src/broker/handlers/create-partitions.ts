/**
 * CreatePartitions (37), versions 0-3.
 * - Grows a topic to `count` partitions; shrinking or staying equal is
 *   INVALID_PARTITIONS, an unknown topic UNKNOWN_TOPIC_OR_PARTITION.
 * - Manual assignments must name known nodes, none twice
 *   (INVALID_REPLICA_ASSIGNMENT); placement then follows the cluster's rule.
 * - validateOnly checks and changes nothing.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import { assignmentProblem } from './create-topics.js'
import { defineHandler } from './handler.js'

const MAX_PARTITIONS = 10_000

export const createPartitionsHandler = defineHandler({
  api: Apis.CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  async handle(body, { broker }) {
    const results = []
    for (const t of body.topics) {
      const fail = (errorCode: number, errorMessage: string) =>
        results.push({ name: t.name, errorCode, errorMessage })
      const topic = broker.topics.get(t.name)
      if (!topic) {
        fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${t.name}' does not exist.`)
        continue
      }
      const current = topic.partitions.length
      if (t.count <= current) {
        fail(
          ErrorCode.INVALID_PARTITIONS,
          `Topic currently has ${current} partitions, which is higher than or equal to the requested ${t.count}.`,
        )
        continue
      }
      if (t.count > MAX_PARTITIONS) {
        fail(ErrorCode.INVALID_PARTITIONS, `Number of partitions must be at most ${MAX_PARTITIONS}.`)
        continue
      }
      if (t.assignments !== null) {
        if (t.assignments.length !== t.count - current) {
          fail(
            ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            `Increasing the number of partitions by ${t.count - current} but ${t.assignments.length} assignments provided.`,
          )
          continue
        }
        const problem = assignmentProblem(broker, t.assignments)
        if (problem) {
          fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, problem)
          continue
        }
      }
      if (!body.validateOnly) {
        await broker.topics.addPartitions(t.name, t.count)
        broker.logger.info(`topic ${t.name} grown from ${current} to ${t.count} partitions`)
      }
      results.push({ name: t.name, errorCode: ErrorCode.NONE, errorMessage: null })
    }
    return { throttleTimeMs: 0, results }
  },
})
