import type { Clock } from './clock.js'
import type { MemoryBudget } from './log/memory-budget.js'
import { openPartitionLog } from './log/open-partition-log.js'
import type { ResolvedBrokerOptions } from './options.js'
import { logSettingsOf } from './topics/log-settings.js'
import type { PartitionLogFactory } from './topics/topic-store.js'

/** Opens partition logs with the broker's engine choice, fsync policy, clock and (memory engine) byte budget. */
export function createLogFactory(
  options: ResolvedBrokerOptions,
  clock: Clock,
  memoryBudget?: MemoryBudget,
): PartitionLogFactory {
  return (dir, config, name) =>
    openPartitionLog({
      dir,
      fsync: options.fsync,
      flushIntervalMs: options.flushIntervalMs,
      clock,
      memoryBudget,
      name,
      ...logSettingsOf(config),
    })
}
