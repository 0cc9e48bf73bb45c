import type { ProducerIdAllocator } from './producer-id-allocator.js'

/** Kafka treats an epoch this high as used up: bumping it hands out a new producer id instead (Short.MAX - 1). */
export const EXHAUSTED_EPOCH = 0x7fff - 1

/** How many handed-out ids the manager remembers for epoch bumps; older ones are treated as unknown. */
export const TRACKED_PRODUCER_IDS = 100_000

/** The producer id and epoch a client already holds (InitProducerId v3+). */
export interface HeldProducerId {
  producerId: bigint
  producerEpoch: number
}

/** What InitProducerId hands out: always an id and epoch, never an error (as from Kafka, see below). */
export interface GrantedProducerId {
  producerId: bigint
  producerEpoch: number
}

interface IssuedProducer {
  epoch: number
  /** The epoch before the last bump, so a retried bump (its answer lost) gets the same answer; -1 if none. */
  previousEpoch: number
  /** Set when bumping an exhausted epoch moved the producer to this new id. */
  rotatedTo?: bigint
}

/**
 * InitProducerId for idempotent producers: new producer ids, and epoch bumps
 * for a client that presents the id and epoch it holds (KIP-360), with the
 * rules Kafka's transaction coordinator applies to them:
 *
 * - no id held: a new id with epoch 0;
 * - an id this broker does not know (issued before a restart, forgotten, or
 *   never issued): a new id with epoch 0, which is how a producer recovers
 *   after the broker lost track of it;
 * - the id with its current epoch: the epoch goes up by one, or, when it is
 *   exhausted, the producer moves to a new id with epoch 0;
 * - the id with the epoch it had before the last bump: a retry of that bump
 *   whose answer was lost, answered the same way again;
 * - the id with any other epoch (never issued, or two bumps old), or the
 *   stale epoch of an id that moved on: a new id with epoch 0.
 *
 * Kafka itself hands every InitProducerId without a transactional id a new
 * id and ignores what the client holds, so it never fences an idempotent
 * producer (fencing is for transactional ids); neither does this broker,
 * since clients take PRODUCER_FENCED as fatal. Bumping the current epoch
 * instead of handing out a new id keeps one id per producer and is equally
 * safe for clients, since a new epoch restarts the sequences at 0 just as a
 * new id does.
 *
 * What was handed out is kept in memory only: after a restart every held id
 * is unknown and gets a new one, which the allocator guarantees is unused.
 */
export class ProducerIdManager {
  /** Least recently touched first, so the oldest can be forgotten past TRACKED_PRODUCER_IDS. */
  private readonly issued = new Map<bigint, IssuedProducer>()

  constructor(
    private readonly allocator: ProducerIdAllocator,
    private readonly maxTracked = TRACKED_PRODUCER_IDS,
  ) {}

  /** Handles one InitProducerId; throws only when a new id cannot be reserved on disk. */
  initialize(held: HeldProducerId | undefined): GrantedProducerId {
    const known = held ? this.issued.get(held.producerId) : undefined
    if (!held || !known) return this.newProducer()
    const { producerId, producerEpoch: epoch } = held
    this.touch(producerId, known)
    if (known.rotatedTo !== undefined) {
      const successor = this.issued.get(known.rotatedTo)
      if (epoch === known.epoch && successor) {
        this.touch(known.rotatedTo, successor)
        return { producerId: known.rotatedTo, producerEpoch: successor.epoch }
      }
      return this.newProducer()
    }
    if (epoch === known.epoch) {
      if (epoch >= EXHAUSTED_EPOCH) {
        const next = this.newProducer()
        known.rotatedTo = next.producerId
        return next
      }
      known.previousEpoch = known.epoch
      known.epoch += 1
      return { producerId, producerEpoch: known.epoch }
    }
    if (known.previousEpoch >= 0 && epoch === known.previousEpoch)
      return { producerId, producerEpoch: known.epoch }
    return this.newProducer()
  }

  private newProducer(): GrantedProducerId {
    const producerId = this.allocator.allocate()
    this.touch(producerId, { epoch: 0, previousEpoch: -1 })
    return { producerId, producerEpoch: 0 }
  }

  private touch(producerId: bigint, entry: IssuedProducer): void {
    this.issued.delete(producerId)
    this.issued.set(producerId, entry)
    if (this.issued.size > this.maxTracked) this.issued.delete(this.issued.keys().next().value as bigint)
  }
}
