import type { LogSettings } from '../log/partition-log.js'
import type { TopicConfig } from './topic-config.js'

/** A topic's retention and segment settings, read from its configs: what a partition log is opened and reconfigured with. */
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
