import { measureOptionsFromEnv } from '../support/measure.js'
import { printTable } from '../support/table.js'
import { benchChannelThroughput } from './channel-throughput.js'
import { benchKeyedIdeal } from './keyed-ideal.js'
import { benchKeyedThroughput } from './keyed-throughput.js'

/**
 * The flow benchmark: Channel handoff against Node object-mode streams with
 * the same buffer, KeyedExecutor's cost per task with trivial tasks, and how
 * close KeyedExecutor comes to the ideal schedule with real (2 ms) tasks.
 */
export async function run(): Promise<void> {
  const options = measureOptionsFromEnv()
  console.log(
    `Method: each case is warmed up for ${options.warmupMs} ms, then timed in ${options.rounds} rounds of ` +
      `~${options.roundMs} ms, interleaved with the other cases of its group, each round after a full GC;\n` +
      "the median round rate is reported. Absolute rates follow the machine's load; the ratios hold better.\n",
  )
  printTable(await benchChannelThroughput(options))
  printTable(await benchKeyedThroughput(options))
  printTable(await benchKeyedIdeal())
}
