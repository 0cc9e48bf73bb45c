import { measureOptionsFromEnv } from '../support/measure.js'
import { printTable } from '../support/table.js'
import { benchRecordBatches } from './batch-codec.js'
import { benchCrc32c } from './crc32c.js'
import { benchRequests } from './requests.js'
import { loadKafkajs, loadPlatformatic } from './third-party.js'
import { createWorkload } from './workload.js'

/**
 * The protocol benchmark: Sluice's wire codecs side by side with kafkajs's and
 * @platformatic/kafka's on the same records, in one process, one table per
 * area (record batches, CRC32C, whole requests). Every implementation's output
 * is checked for correctness before it is timed.
 */
export async function run(): Promise<void> {
  const options = measureOptionsFromEnv()
  const workload = createWorkload()
  const kafkajs = loadKafkajs()
  const platformatic = await loadPlatformatic()
  console.log(
    `Method: each case is warmed up for ${options.warmupMs} ms, then timed in ${options.rounds} rounds of ` +
      `~${options.roundMs} ms, interleaved with the other cases of its group, each round after a full GC;\n` +
      "the median round rate is reported. Absolute rates follow the machine's load; the ratios hold better.\n",
  )
  printTable(await benchRecordBatches(workload, kafkajs, platformatic, options))
  printTable(await benchCrc32c(kafkajs, platformatic, options))
  printTable(await benchRequests(workload, kafkajs, platformatic, options))
}
