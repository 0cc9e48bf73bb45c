import type { Clock } from './clock.js'
import { openPartitionLog } from './log/open-partition-log.js'
import type { LogSettings } from './log/partition-log.js'
import type { ResolvedBrokerOptions } from './options.js'
import type { TopicConfig } from './topics/topic-config.js'
import type { PartitionLogFactory } from './topics/topic-store.js'

/** A topic's retention and segment settings, read from its configs. */
export function logSettingsOf(config: TopicConfig): LogSettings {
  return {
    retention: {
      retentionMs: config.number('retention.ms'),
      retentionBytes: config.number('retention.bytes'),
    },
    segment: {
      segmentBytes: config.number('segment.bytes'),
      segmentMs: config.number('segment.ms'),
      indexIntervalBytes: config.number('index.interval.bytes'),
    },
  }
}

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
