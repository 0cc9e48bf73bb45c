import { createHash } from 'node:crypto'
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { Apis } from '../../src/protocol/messages/index.js'
import { encodeRecordBatch } from '../../src/protocol/records/index.js'
import { WireClient } from '../broker/support/wire-client.js'
import { javaBanner, KAFKA_LIBS, kafkaAvailability } from './kafka-install.js'
import type { RunningKafka } from './start-kafka.js'

/**
 * A class data sharing archive (AppCDS, a JDK 13+ dynamic archive) of the
 * classes a Kafka node loads: a JVM started with it maps them in instead of
 * loading and verifying each from the jars. On the 2-core CI machine a node
 * then serves in ~1.6 s instead of ~2.5 s with half the CPU, and a
 * `test:kafka` run starts some fifty JVMs.
 *
 * The archive holds for one JVM build and one class path, so its name
 * carries a hash of both; fetch-kafka replaces libs/ (and so the archive)
 * when the release changes. A JVM given an archive that does not fit warns
 * in its log and runs without it.
 */

const NAME_PREFIX = '.kafka-classes-'

/** Where the archive for this JVM and these jars is (or would be). */
export function classArchivePath(): string {
  const jars = readdirSync(KAFKA_LIBS)
    .filter((f) => f.endsWith('.jar'))
    .sort()
    .map((f) => `${f}:${statSync(join(KAFKA_LIBS, f)).size}`)
  const key = createHash('sha256').update(javaBanner()).update(jars.join('\n')).digest('hex').slice(0, 16)
  return join(KAFKA_LIBS, `${NAME_PREFIX}${key}.jsa`)
}

/** `-XX:SharedArchiveFile` for the archive when it has been made; nothing otherwise. */
export function classArchiveOptions(): string[] {
  if (!kafkaAvailability().available) return []
  const path = classArchivePath()
  return existsSync(path) ? [`-XX:SharedArchiveFile=${path}`] : []
}

/**
 * Makes the archive unless it exists: one node started with
 * `-XX:ArchiveClassesAtExit`, given the requests tests make (topics,
 * produce, fetch, the group coordinator), then stopped cleanly, which is
 * when the JVM writes the archive. Older archives in libs/ are removed.
 * Resolves with what it did; a failure leaves no archive. `start` starts
 * one node with the given JVM option added (start-kafka.ts, which uses this
 * file, passes itself).
 */
export async function ensureClassArchive(
  start: (archiveOption: string) => Promise<Pick<RunningKafka, 'bootstrap' | 'stopNode' | 'close'>>,
): Promise<string> {
  const path = classArchivePath()
  if (existsSync(path)) return `class archive present: ${path}`
  const temporary = `${path}.${process.pid}.tmp`
  const kafka = await start(`-XX:ArchiveClassesAtExit=${temporary}`)
  try {
    await exercise(kafka.bootstrap)
    await kafka.stopNode(1)
    if (!existsSync(temporary)) throw new Error(`the JVM wrote no archive at ${temporary}`)
    for (const f of readdirSync(KAFKA_LIBS)) {
      if (f.startsWith(NAME_PREFIX) && f.endsWith('.jsa')) rmSync(join(KAFKA_LIBS, f), { force: true })
    }
    // renamed into place whole, so a JVM never maps a half-written archive
    renameSync(temporary, path)
    return `class archive made: ${path}`
  } finally {
    rmSync(temporary, { force: true })
    await kafka.close()
  }
}

/** The requests that load the classes most tests need. */
async function exercise(bootstrap: string): Promise<void> {
  const client = await WireClient.connect(bootstrap)
  try {
    await client.send(Apis.CreateTopics, 7, {
      topics: [{ name: 'class-archive', numPartitions: 1, replicationFactor: 1 }],
      timeoutMs: 30_000,
    })
    const records = encodeRecordBatch([{ value: Buffer.from('warm') }])
    for (let attempt = 0; attempt < 100; attempt++) {
      const produced = await client.send(Apis.Produce, 9, {
        acks: -1,
        timeoutMs: 5000,
        topicData: [{ name: 'class-archive', partitionData: [{ index: 0, records }] }],
      })
      if (produced.responses[0].partitionResponses[0].errorCode === 0) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await client.send(Apis.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['class-archive'] })
  } finally {
    await client.close()
  }
}
