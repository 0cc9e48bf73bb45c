/**
 * The loop for clients whose fastest documented path is one call per array
 * of records (kafkajs `send({ messages })`, @platformatic/kafka
 * `send({ messages })`): the records go in chunks, with up to `concurrency`
 * calls awaiting their answer at once. A chunk that fails counts all its
 * records as failed (both clients retry inside the call first).
 */

export interface ChunkOutcome {
  acknowledged: number
  failed: number
  firstError?: string
}

export async function sendInChunks(
  records: number,
  chunkSize: number,
  concurrency: number,
  sendChunk: (first: number, count: number) => Promise<unknown>,
): Promise<ChunkOutcome> {
  const outcome: ChunkOutcome = { acknowledged: 0, failed: 0 }
  let next = 0
  const worker = async () => {
    while (next < records) {
      const first = next
      const count = Math.min(chunkSize, records - first)
      next += count
      try {
        await sendChunk(first, count)
        outcome.acknowledged += count
      } catch (err) {
        outcome.failed += count
        outcome.firstError ??= String((err as Error)?.message ?? err)
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return outcome
}
