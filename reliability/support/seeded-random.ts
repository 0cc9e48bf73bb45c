export { seededRandom } from '../../src/cli/demo/seeded-random.js'

/** A whole number of milliseconds between `least` and `most`. */
export function between(random: () => number, least: number, most: number): number {
  return least + Math.floor(random() * (most - least))
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
