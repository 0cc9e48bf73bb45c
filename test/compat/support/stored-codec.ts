import { expect } from 'vitest'
import { CompressionType } from '../../../src/protocol/records/index.js'
import type { StoredBatches } from './stored-batches.js'

/** Compression attribute values by the codec names clients are configured with. */
export const CODEC_TYPES = {
  none: CompressionType.None,
  gzip: CompressionType.Gzip,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.Lz4,
  zstd: CompressionType.Zstd,
} as const satisfies Record<string, CompressionType>

/**
 * Checks that a client really compressed with the codec it was asked for, on
 * the batches as the broker stored them. Reading records back cannot show
 * this: a client that silently falls back to no compression reads back fine
 * (librdkafka did exactly that with lz4 while the broker did not list
 * FindCoordinator).
 *
 * librdkafka and kafka-python both send a batch uncompressed when the
 * compressed form would not be smaller, which happens to a batch of one or two
 * small records at the end of a linger window. So a minority of batches may be
 * uncompressed, but none may use another codec, and the codec must carry most.
 */
export function checkStoredCodec(stored: StoredBatches, codec: CompressionType, label: string): void {
  const counts = new Map<CompressionType, number>()
  for (const c of stored.compressions) counts.set(c, (counts.get(c) ?? 0) + 1)
  if (codec === CompressionType.None) {
    expect([...counts.keys()], `${label}: compression of the stored batches`).toEqual([codec])
    return
  }
  const others = [...counts.keys()].filter((c) => c !== codec && c !== CompressionType.None)
  expect(others, `${label}: batches with a codec nobody asked for`).toEqual([])
  const compressed = counts.get(codec) ?? 0
  expect(
    compressed / stored.compressions.length,
    `${label}: share of batches compressed (${compressed} of ${stored.compressions.length})`,
  ).toBeGreaterThanOrEqual(0.75)
}
