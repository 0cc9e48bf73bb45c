import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { writeDurably } from '../log/file-io.js'

/** Kept in the data directory: every producer id below the number it holds may have been handed out. */
export const PRODUCER_ID_FILE = 'producer-id-block'
/** Ids reserved per write of the file, as Kafka's controller hands out blocks of 1000. */
export const PRODUCER_ID_BLOCK_SIZE = 1000
/**
 * The first id handed out. Not 0: @platformatic/kafka sends producer id 0
 * and epoch 0 in InitProducerId v3+ when it has no id yet, which would look
 * like a request to bump the epoch of the producer that holds id 0.
 */
export const FIRST_PRODUCER_ID = 1n

/**
 * Hands out producer ids that are never reused, not even after a restart on
 * the same data directory. Ids are reserved in blocks: before the first id of
 * a block is given out, the end of the block is written to
 * `<dataDir>/producer-id-block` (a temporary file, fsynced, then renamed over
 * the old one), and a restart continues from there. Ids of a block a broker
 * did not finish are skipped, as Kafka skips them.
 */
export class ProducerIdAllocator {
  private next: bigint
  /** Ids below this are reserved on disk (or, in memory, simply ours). */
  private reservedUntil: bigint

  constructor(
    private readonly dataDir: string | undefined,
    private readonly blockSize = PRODUCER_ID_BLOCK_SIZE,
  ) {
    this.next = dataDir ? readReservedUntil(dataDir) : FIRST_PRODUCER_ID
    this.reservedUntil = this.next
  }

  /** A producer id no one has had; throws when the next block cannot be reserved on disk. */
  allocate(): bigint {
    if (this.next >= this.reservedUntil) this.reserve(this.next + BigInt(this.blockSize))
    return this.next++
  }

  private reserve(until: bigint): void {
    if (this.dataDir) {
      const file = join(this.dataDir, PRODUCER_ID_FILE)
      mkdirSync(this.dataDir, { recursive: true })
      writeDurably(`${file}.tmp`, `${until}\n`)
      renameSync(`${file}.tmp`, file)
      syncDirectory(this.dataDir)
    }
    this.reservedUntil = until
  }
}

function readReservedUntil(dataDir: string): bigint {
  const file = join(dataDir, PRODUCER_ID_FILE)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return FIRST_PRODUCER_ID
    throw new Error(`cannot read ${file}: ${(err as Error).message}`)
  }
  // the file is replaced by rename, so it is whole or absent: anything else is not ours to guess at
  if (!/^\d{1,18}\n?$/.test(text))
    throw new Error(`${file} does not hold a producer id: ${JSON.stringify(text)}`)
  const until = BigInt(text.trim())
  return until < FIRST_PRODUCER_ID ? FIRST_PRODUCER_ID : until
}

/** Makes a rename in `dir` durable. */
function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
