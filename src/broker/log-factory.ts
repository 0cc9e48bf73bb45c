import type { Clock } from './clock.js'
import { openPartitionLog } from './log/open-partition-log.js'
import type { ResolvedBrokerOptions } from './options.js'
import { logSettingsOf } from './topics/log-settings.js'
import type { PartitionLogFactory } from './topics/topic-store.js'

/** Opens partition logs with the broker's engine choice, fsync policy and clock. */
export function createLogFactory(options: ResolvedBrokerOptions, clock: Clock): PartitionLogFactory {
  return (dir, config) =>
    openPartitionLog({
      dir,
      fsync: options.fsync,
      flushIntervalMs: options.flushIntervalMs,
      clock,
      ...logSettingsOf(config),
    })
}
