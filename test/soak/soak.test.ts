import { randomInt } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { defaultSoakSettings, runSoak, type SoakResult } from '../../bench/soak/soak-run.js'

/**
 * A short run of the soak (bench/soak: `npm run bench -- soak` throws a
 * million frames): 20,000 random and mutated frames of every API and
 * advertised version from six connections at a `sluice broker` process,
 * while one well-behaved client produces and verifies records. The seed is
 * random per run and named in every failure; SOAK_SEED repeats one.
 */

const FRAMES = 20_000
const seed = process.env.SOAK_SEED ? Number(process.env.SOAK_SEED) : randomInt(1, 2 ** 31 - 1)

function describeRun(r: SoakResult): string {
  return [
    `seed ${seed}`,
    `client errors: ${r.healthy.errorMessages.join('; ') || 'none'}`,
    `broker exit during the run: ${r.crashExit ? (r.crashExit.code ?? r.crashExit.signal) : 'none'}`,
    `broker stderr: ${[...r.brokerLog.errorLines, ...r.brokerLog.otherLines].join('\n') || 'nothing unexpected'}`,
  ].join('\n')
}

describe('soak: random and mutated frames against a broker process', () => {
  it(`survives ${FRAMES.toLocaleString('en-US')} frames while a well-behaved client produces and verifies`, async () => {
    // memory is the bench's to report, not asserted here: a short quiet pause is enough
    const result = await runSoak({ ...defaultSoakSettings(FRAMES, seed), quietMs: 500 })
    const context = describeRun(result)

    expect(result.crashes, context).toBe(0)
    expect(result.attack.thrown, context).toBe(FRAMES)
    expect(result.healthy.errors, context).toBe(0)
    expect(result.healthy.recordsProduced, context).toBeGreaterThan(0)
    expect(result.healthy.recordsVerified, context).toBe(result.healthy.recordsProduced)
    expect(result.healthyUnverified, context).toBe(0)
    expect(result.brokerLog.errorCount, context).toBe(0)
    // after the storm a new connection still gets ApiVersions, Metadata and ListGroups answered
    expect(result.servingError, context).toBe('')
    expect(result.servingAtEnd, context).toBe(true)
    expect(result.cleanShutdown, context).toBe(true)

    // every version the broker advertises, of every API, was among the frames thrown
    for (const [api, versions] of result.advertised) {
      const thrown = result.attack.byApi.get(api)?.versions ?? new Set<number>()
      expect(
        versions.filter((v) => !thrown.has(v)),
        `${api} versions never thrown; ${context}`,
      ).toEqual([])
    }
    // the broker both answered and refused: the frames reached its decoders and its handlers
    expect(result.attack.total('answered'), context).toBeGreaterThan(0)
    expect(result.attack.total('closed'), context).toBeGreaterThan(0)
  }, 120_000)
})
