import { peakRssBytes, startWindow } from '../../support/child-runtime.js'
import type { KeyedConfig, KeyedReport } from './keyed-protocol.js'
import { PreciseWaits } from './precise-waits.js'
import { workMs } from './work-delay.js'

/**
 * The handler of the key-ordered part, the same for every client: it does
 * record `seq`'s simulated work and checks that its key had nothing else
 * running and that the key's records come in order (seq k, k + keys,
 * k + 2 keys, ...), and it times the whole from the first start to the
 * last finish.
 */
export class KeyedWork {
  private readonly waits = new PreciseWaits()
  private readonly busy: Uint8Array
  private readonly nextSeq: Float64Array
  private readonly window = startWindow()
  private counted = 0
  private running = 0
  private peak = 0
  private measured = 0
  private readonly measuredPerKey: Float64Array
  private violations = 0
  private firstViolation: string | undefined
  private firstStart = 0
  private lastEnd = 0
  private finished: (() => void) | undefined
  readonly done = new Promise<void>((resolve) => {
    this.finished = resolve
  })

  constructor(private readonly config: KeyedConfig) {
    this.busy = new Uint8Array(config.keys)
    this.measuredPerKey = new Float64Array(config.keys)
    this.nextSeq = Float64Array.from({ length: config.keys }, (_, k) => k)
  }

  private violation(text: string): void {
    this.violations++
    this.firstViolation ??= text
  }

  readonly handle = async (seq: number): Promise<void> => {
    const key = seq % this.config.keys
    const began = performance.now()
    if (this.firstStart === 0) this.firstStart = began
    if (this.busy[key]) this.violation(`key ${key}: seq ${seq} started while another of its records ran`)
    if (seq !== this.nextSeq[key])
      this.violation(`key ${key}: seq ${seq} came when ${this.nextSeq[key]} was due`)
    this.nextSeq[key] = seq + this.config.keys
    this.busy[key] = 1
    if (++this.running > this.peak) this.peak = this.running
    const released = await this.waits.wait(workMs(seq))
    this.measured += released - began
    this.measuredPerKey[key] += released - began
    this.running--
    this.busy[key] = 0
    this.lastEnd = performance.now()
    if (++this.counted === this.config.records) this.finished?.()
  }

  report(method: string): KeyedReport {
    return {
      counted: this.counted,
      wallMs: this.lastEnd - this.firstStart,
      measuredWorkMs: this.measured,
      busiestKeyMeasuredMs: this.measuredPerKey.reduce((a, b) => Math.max(a, b), 0),
      peakConcurrency: this.peak,
      violations: this.violations,
      ...(this.firstViolation ? { firstViolation: this.firstViolation } : {}),
      cpuSeconds: this.window.finish().cpuSeconds,
      peakRssBytes: peakRssBytes(),
      method,
    }
  }
}
