import type { FaultyLink, Toxic } from '../../support/toxiproxy.js'

/**
 * The fault schedule between the clients and the broker, one phase after
 * another on the one Toxiproxy link both clients go through: clean, 200 ms
 * latency, connections reset every few seconds, bandwidth throttled, a 10 s
 * blackhole, then clean again until acknowledgements resume. Each phase
 * records when it really began and ended, so the checks can look at what
 * the producer did inside it.
 */

export type PhaseName = 'clean' | 'latency' | 'resets' | 'bandwidth' | 'blackhole' | 'recovery'

export interface PhaseSpan {
  readonly name: PhaseName
  readonly start: number
  readonly end: number
  /** What was done, for the notes. */
  readonly what: string
}

const both = (name: string, type: string, attributes: Record<string, number>): Toxic[] => [
  { name: `${name}-up`, type, stream: 'upstream', attributes },
  { name: `${name}-down`, type, stream: 'downstream', attributes },
]

export const LATENCY_MS = 200
export const BANDWIDTH_KIB_S = 256
export const BLACKHOLE_MS = 10_000
export const RESET_EVERY_MS = 3000

export interface Durations {
  /** Also the warm-up: the memory baseline is each process's peak RSS by its end (V8 grows its heap for ~10 s). */
  readonly clean: number
  readonly latency: number
  readonly resets: number
  readonly bandwidth: number
  /** Clean time after acknowledgements resumed, before the producer is stopped. */
  readonly afterRecovery: number
}

export const FULL: Durations = {
  clean: 10_000,
  latency: 10_000,
  resets: 12_000,
  bandwidth: 10_000,
  afterRecovery: 10_000,
}
export const SHORT: Durations = {
  clean: 10_000,
  latency: 5000,
  resets: 6500,
  bandwidth: 5000,
  afterRecovery: 3000,
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export class FaultSchedule {
  readonly spans: PhaseSpan[] = []
  resets = 0

  constructor(
    private readonly link: FaultyLink,
    private readonly durations: Durations,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Runs every phase in turn; `cleanDone` is called at the end of the clean
   * phase (the memory baseline), and `recovered` resolves once
   * acknowledgements resumed after the blackhole (or it gave up).
   */
  async run(recovered: (since: number) => Promise<void>, cleanDone: () => void): Promise<void> {
    const d = this.durations
    await this.phase('clean', 'no toxics', async () => {
      await sleep(d.clean)
      cleanDone()
    })
    await this.phase('latency', `${LATENCY_MS} ms latency each way (jitter 20 ms)`, async () => {
      await this.with(both('latency', 'latency', { latency: LATENCY_MS, jitter: 20 }), d.latency)
    })
    await this.phase(
      'resets',
      `every connection reset (TCP RST) every ${RESET_EVERY_MS / 1000} s`,
      async () => {
        const until = Date.now() + d.resets
        while (Date.now() < until) {
          await sleep(Math.min(RESET_EVERY_MS, until - Date.now()))
          if (Date.now() >= until) break
          // reset_peer with timeout 0 resets every connection that carries data while it is on, new ones included
          await this.with(both('reset', 'reset_peer', { timeout: 0 }), 150)
          this.resets++
        }
      },
    )
    await this.phase('bandwidth', `bandwidth ${BANDWIDTH_KIB_S} KiB/s each way`, async () => {
      await this.with(both('bandwidth', 'bandwidth', { rate: BANDWIDTH_KIB_S }), d.bandwidth)
    })
    await this.phase(
      'blackhole',
      `${BLACKHOLE_MS / 1000} s blackhole: every byte dropped, connections left open`,
      async () => {
        // Toxiproxy's timeout toxic with timeout 0: nothing gets through and nothing is closed
        await this.with(both('blackhole', 'timeout', { timeout: 0 }), BLACKHOLE_MS)
      },
    )
    await this.phase('recovery', 'clean until acknowledgements resume, then a little longer', async () => {
      await recovered(Date.now())
      await sleep(d.afterRecovery)
    })
  }

  span(name: PhaseName): PhaseSpan {
    const s = this.spans.find((p) => p.name === name)
    if (!s) throw new Error(`phase ${name} did not run`)
    return s
  }

  private async phase(name: PhaseName, what: string, body: () => Promise<void>): Promise<void> {
    this.log(`  phase ${name}: ${what}`)
    const start = Date.now()
    await body()
    this.spans.push({ name, start, end: Date.now(), what })
  }

  private async with(toxics: readonly Toxic[], ms: number): Promise<void> {
    for (const t of toxics) await this.link.add(t)
    try {
      await sleep(ms)
    } finally {
      for (const t of toxics) await this.link.remove(t.name)
    }
  }
}
