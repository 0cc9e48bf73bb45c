import type { Clock } from '../clock.js'
import type { PartitionLog } from '../log/partition-log.js'
import { PartitionProducerState, type ProducerStateSettings } from './partition-producer-state.js'

/**
 * The idempotent-producer state of every partition, built the first time an
 * idempotent batch reaches a partition by scanning that partition's batch
 * headers. Until then a partition costs nothing, so a broker with many
 * partitions starts as fast as before, and a restart on a data directory
 * recovers what the log holds.
 *
 * State is keyed by the log object itself: a deleted topic's state goes
 * with its log, and a topic created again under the same name starts clean.
 */
export class ProducerStateRegistry {
  private readonly states = new WeakMap<PartitionLog, PartitionProducerState>()

  constructor(
    private readonly settings: ProducerStateSettings,
    private readonly clock: Clock,
  ) {}

  /** The partition's state, rebuilt from its log on first use; throws when the log cannot be read. */
  forLog(log: PartitionLog): PartitionProducerState {
    let state = this.states.get(log)
    if (!state) {
      state = PartitionProducerState.rebuild(log, this.settings, this.clock.now())
      this.states.set(log, state)
    }
    return state
  }
}
