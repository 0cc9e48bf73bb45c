/**
 * The process the kill test SIGKILLs again and again: a static member
 * (KIP-345) of a group reading a keyed topic with `ordering: 'key'`, which
 * writes each record it processed to its own log file before the handler
 * resolves (so before the offset can count as done). Usage:
 *   node --import tsx killable-consumer.ts BOOTSTRAP TOPIC GROUP INSTANCE_ID LOG_FILE
 * A line is `partition offset key value`. SIGTERM closes the consumer
 * (drain, commit) and exits 0. Rebalances are noted on stderr, for failure
 * messages.
 */
import { appendFileSync, openSync } from 'node:fs'
import { Kafka } from '../../../src/index.js'

const [bootstrap, topic, groupId, groupInstanceId, logFile] = process.argv.slice(2)
// 'a': every write goes to the end; one write per line, so a kill leaves at most the last line torn
const log = openSync(logFile, 'a')

const consumer = new Kafka({ brokers: [bootstrap], clientId: 'killable-consumer', logger: 'warn' }).consumer({
  groupId,
  topics: [topic],
  ordering: 'key',
  concurrency: 8,
  fromBeginning: true,
  commitIntervalMs: 50,
  // a killed dynamic member stays in the group until its session ends; a static one is replaced
  // at once by the next process with its instance id, so the session can be long enough that a
  // busy machine's pauses never cost the membership (which would redo work within one life)
  groupInstanceId,
  sessionTimeoutMs: 10_000,
})

// for the test's failure messages only: the checks never rely on what the consumer says
consumer.on('rebalance', (e) => {
  const partitions = e.partitions.map((tp) => tp.partition).join(',')
  process.stderr.write(`rebalance ${e.type} [${partitions}] generation ${e.generationId}\n`)
})

const running = consumer.run(async (m) => {
  // one to three milliseconds of work: several keys are in flight when the kill lands, their
  // records would finish out of order without key ordering, and a life spans several commits
  await new Promise((resolve) => setTimeout(resolve, 1 + Math.floor(Math.random() * 3)))
  appendFileSync(log, `${m.partition} ${m.offset} ${m.key} ${m.value}\n`)
})

process.on('SIGTERM', () => {
  void consumer.close().then(() => process.exit(0))
})
running.catch((error) => {
  process.stderr.write(`consumer failed: ${(error as Error).stack}\n`)
  process.exit(1)
})
