import { ErrorCode, KafkaError } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import type { Cluster } from '../cluster/cluster.js'

/**
 * An idempotent producer's id and epoch (KIP-98). Obtained once from
 * InitProducerId; bumped (KIP-360: the same call naming the id and epoch
 * held) when sequences must restart at 0 — after a batch failed for good and
 * left a gap, or the broker forgot the producer — so that nothing sent
 * before the bump can be mistaken for what is sent after.
 */
export class ProducerIdentity {
  producerId = -1n
  producerEpoch = -1
  private pending: Promise<void> | undefined

  constructor(
    private readonly cluster: Cluster,
    private readonly timeoutMs: () => number,
  ) {}

  get ready(): boolean {
    return this.producerId >= 0n && this.pending === undefined
  }

  /** Gets an id unless one is held; concurrent callers share one request. */
  ensure(): Promise<void> {
    if (this.producerId >= 0n && this.pending === undefined) return Promise.resolve()
    return this.initialize(false)
  }

  /** A new epoch for the held id (or a new id, as Kafka gives idempotent producers). */
  bump(): Promise<void> {
    return this.initialize(true)
  }

  private initialize(bump: boolean): Promise<void> {
    this.pending ??= this.cluster.retry
      .run(
        bump ? 'InitProducerId (epoch bump)' : 'InitProducerId',
        async () => {
          const connection = await this.cluster.leastLoadedConnection()
          const answer = await connection.request(Apis.InitProducerId, {
            transactionalId: null,
            transactionTimeoutMs: 60_000,
            producerId: bump ? this.producerId : -1n,
            producerEpoch: bump ? this.producerEpoch : -1,
          })
          if (answer.errorCode !== ErrorCode.NONE)
            throw new KafkaError(answer.errorCode, { api: 'InitProducerId' })
          this.producerId = answer.producerId
          this.producerEpoch = answer.producerEpoch
        },
        {
          timeoutMs: this.timeoutMs(),
          signal: this.cluster.closeSignal,
          onRetry: (error, recovery) => this.cluster.recover(error, recovery),
        },
      )
      .finally(() => {
        this.pending = undefined
      })
    return this.pending
  }
}
