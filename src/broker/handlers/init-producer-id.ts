/**
 * InitProducerId (22), versions 0-4: producer ids and epochs for idempotent
 * producers (producers/producer-id-manager.ts has the rules).
 * - Without a transactional id: a new id with epoch 0; from v3 a client may
 *   present the id and epoch it holds to have the epoch bumped (KIP-360).
 *   Any other id or epoch it presents gets a new id with epoch 0, never
 *   PRODUCER_FENCED: Kafka fences transactional producers only. An id with
 *   epoch -1, or -1 with an epoch, is INVALID_REQUEST.
 * - With a transactional id (even an empty one): TRANSACTIONAL_ID_AUTHORIZATION_FAILED.
 *   Transactions are not supported and their APIs are not advertised; this is
 *   the answer a Kafka broker gives a client that may not use that id, which
 *   clients treat as fatal, where COORDINATOR_NOT_AVAILABLE would have them
 *   retry until they time out. Produce refuses transactional writes the same way.
 * - Ids are never reused, across restarts too, when the broker has a data
 *   directory (producers/producer-id-allocator.ts).
 * - The transaction timeout is ignored: no transaction is ever open.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import type { HeldProducerId } from '../producers/producer-id-manager.js'
import { defineHandler } from './handler.js'

/** InitProducerId v3 added the id and epoch the client holds. */
const FIRST_VERSION_WITH_HELD_ID = 3

export const initProducerIdHandler = defineHandler({
  api: Apis.InitProducerId,
  minVersion: 0,
  maxVersion: 4,
  handle(body, { broker, version }) {
    if (body.transactionalId !== null) return refused(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
    let held: HeldProducerId | undefined
    if (version >= FIRST_VERSION_WITH_HELD_ID) {
      const noId = body.producerId === -1n
      const noEpoch = body.producerEpoch === -1
      if (noId !== noEpoch) return refused(ErrorCode.INVALID_REQUEST)
      if (!noId) held = { producerId: body.producerId, producerEpoch: body.producerEpoch }
    }
    try {
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, ...broker.producerIds.initialize(held) }
    } catch (err) {
      broker.logger.error(`cannot hand out a producer id: ${(err as Error).message}`)
      return refused(ErrorCode.UNKNOWN_SERVER_ERROR)
    }
  },
})

function refused(errorCode: number) {
  return { throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 }
}
