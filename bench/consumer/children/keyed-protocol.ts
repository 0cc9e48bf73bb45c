/**
 * What the key-ordered part tells a consumer child and what it answers.
 * Record `seq` has the key `k<seq % keys>` and the value `<seq>` (text),
 * and costs workMs(seq) of simulated work.
 */

export interface KeyedConfig {
  bootstrap: string
  topic: string
  records: number
  keys: number
  groupId: string
  concurrency: number
}

export interface KeyedReport {
  counted: number
  /** From the first handler starting to the last one finishing. */
  wallMs: number
  /** The simulated work as it really lasted (start to release), summed. */
  measuredWorkMs: number
  /** The same, for the key whose records took longest in all. */
  busiestKeyMeasuredMs: number
  /** Most handlers running at once. */
  peakConcurrency: number
  /** A record of a key that started while another of its key ran, or before an earlier one. */
  violations: number
  firstViolation?: string
  cpuSeconds: number
  peakRssBytes: number
  method: string
}
