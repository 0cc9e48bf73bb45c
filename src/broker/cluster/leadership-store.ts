import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** A partition's leader and leader epoch as last decided. */
export interface StoredLeader {
  readonly leaderId: number
  readonly epoch: number
}

/** What is kept: per topic id, per partition index; and the simulated `__consumer_offsets` partitions. */
export interface StoredLeadership {
  readonly topics: ReadonlyMap<string, readonly (StoredLeader | undefined)[]>
  readonly offsets: readonly (StoredLeader | undefined)[]
}

interface FileFormat {
  version: 1
  topics: Record<string, ([number, number] | null)[]>
  offsets: ([number, number] | null)[]
}

const FILE = 'leadership.json'

/**
 * Keeps a disk-backed test cluster's leaders and leader epochs in
 * `DIR/cluster/leadership.json`, rewritten whole (temporary file, then
 * rename) at every leadership change, before the change is visible.
 *
 * Epochs must never go backwards: a client that saw epoch 5 before a
 * restart, and then hears of epoch 0, takes the newer-looking metadata it
 * holds for the truth and ignores the broker's (librdkafka does exactly
 * that). The epochs of stored batches alone cannot tell, since a leader may
 * change without a record being written. The epoch *history* is not kept
 * here: it is rebuilt from the batch headers, so that it always agrees with
 * what the log really holds after a crash.
 */
export class LeadershipStore {
  private readonly dir: string

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'cluster')
  }

  load(): StoredLeadership {
    let parsed: FileFormat
    try {
      parsed = JSON.parse(readFileSync(join(this.dir, FILE), 'utf8')) as FileFormat
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { topics: new Map(), offsets: [] }
      throw new Error(`cannot read ${join(this.dir, FILE)}: ${(err as Error).message}`)
    }
    if (parsed?.version !== 1 || typeof parsed.topics !== 'object' || !Array.isArray(parsed.offsets)) {
      throw new Error(`cannot read ${join(this.dir, FILE)}: not a leadership file of version 1`)
    }
    const topics = new Map<string, (StoredLeader | undefined)[]>()
    for (const [id, partitions] of Object.entries(parsed.topics)) topics.set(id, partitions.map(fromPair))
    return { topics, offsets: parsed.offsets.map(fromPair) }
  }

  save(leadership: StoredLeadership): void {
    const file: FileFormat = { version: 1, topics: {}, offsets: leadership.offsets.map(toPair) }
    for (const [id, partitions] of leadership.topics) file.topics[id] = partitions.map(toPair)
    mkdirSync(this.dir, { recursive: true })
    const path = join(this.dir, FILE)
    writeFileSync(`${path}.tmp`, JSON.stringify(file))
    renameSync(`${path}.tmp`, path)
  }
}

function fromPair(pair: [number, number] | null): StoredLeader | undefined {
  if (!Array.isArray(pair) || !Number.isInteger(pair[0]) || !Number.isInteger(pair[1]) || pair[1] < 0)
    return undefined
  return { leaderId: pair[0], epoch: pair[1] }
}

function toPair(leader: StoredLeader | undefined): [number, number] | null {
  return leader ? [leader.leaderId, leader.epoch] : null
}
