import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  FIRST_PRODUCER_ID,
  PRODUCER_ID_BLOCK_SIZE,
  PRODUCER_ID_FILE,
  ProducerIdAllocator,
} from '../../../src/broker/producers/producer-id-allocator.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-pid-'))
  dirs.push(dir)
  return dir
}

function take(allocator: ProducerIdAllocator, n: number): bigint[] {
  return Array.from({ length: n }, () => allocator.allocate())
}

describe('ProducerIdAllocator', () => {
  it('counts up from the first id in memory', () => {
    expect(take(new ProducerIdAllocator(undefined), 3)).toEqual([
      FIRST_PRODUCER_ID,
      FIRST_PRODUCER_ID + 1n,
      FIRST_PRODUCER_ID + 2n,
    ])
  })

  it('reserves a block on disk before handing out its first id, and only then', () => {
    const dir = tempDir()
    const file = join(dir, PRODUCER_ID_FILE)
    const allocator = new ProducerIdAllocator(dir, 10)
    expect(() => readFileSync(file)).toThrow()
    allocator.allocate()
    expect(readFileSync(file, 'utf8')).toBe(`${FIRST_PRODUCER_ID + 10n}\n`)
    take(allocator, 9)
    expect(readFileSync(file, 'utf8')).toBe(`${FIRST_PRODUCER_ID + 10n}\n`)
    allocator.allocate()
    expect(readFileSync(file, 'utf8')).toBe(`${FIRST_PRODUCER_ID + 20n}\n`)
  })

  it('never reuses an id after a restart on the same directory, skipping the unfinished block', () => {
    const dir = tempDir()
    const before = take(new ProducerIdAllocator(dir), 3)
    const after = take(new ProducerIdAllocator(dir), 3)
    expect(after[0]).toBe(FIRST_PRODUCER_ID + BigInt(PRODUCER_ID_BLOCK_SIZE))
    expect(after.some((id) => before.includes(id))).toBe(false)
    // a restart that handed out nothing does not waste a block
    new ProducerIdAllocator(dir)
    expect(new ProducerIdAllocator(dir).allocate()).toBe(
      FIRST_PRODUCER_ID + 2n * BigInt(PRODUCER_ID_BLOCK_SIZE),
    )
  })

  it('refuses to start from a file that does not hold an id', () => {
    const dir = tempDir()
    writeFileSync(join(dir, PRODUCER_ID_FILE), 'garbage')
    expect(() => new ProducerIdAllocator(dir)).toThrow(/does not hold a producer id/)
  })

  it('creates the directory when it is missing', () => {
    const dir = join(tempDir(), 'not', 'yet')
    expect(new ProducerIdAllocator(dir).allocate()).toBe(FIRST_PRODUCER_ID)
    expect(readFileSync(join(dir, PRODUCER_ID_FILE), 'utf8')).toBe(
      `${FIRST_PRODUCER_ID + BigInt(PRODUCER_ID_BLOCK_SIZE)}\n`,
    )
  })
})
