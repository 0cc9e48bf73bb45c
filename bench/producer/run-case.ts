import { readCpuSeconds } from '../broker/proc-stats.js'
import type { BrokerTarget } from '../support/brokers.js'
import type { TopicSupply } from '../support/topics.js'
import type { AckMode, ChildConfig, MemoryPeaks } from './children/child-protocol.js'
import type { ClientContext, ClientDefinition } from './clients.js'
import type { ClientId } from './settings.js'

/**
 * One run of one client: a fresh topic, the client's process from start to
 * exit, the broker's CPU over that time, and the check that the topic holds
 * exactly the records the client says were acknowledged, all of them. A run
 * that fails the check is kept as a failure and its numbers are not used.
 */

export interface AckProfile {
  label: string
  acks: AckMode
  idempotent: boolean
}

export const ACK_PROFILES: readonly AckProfile[] = [
  { label: 'acks 1', acks: 'leader', idempotent: false },
  { label: 'acks all + idempotence', acks: 'all', idempotent: true },
]

export interface CaseRun {
  client: ClientId
  ack: AckProfile
  ok: boolean
  error?: string
  seconds: number
  cpuSeconds: number
  peakRssBytes: number
  brokerCpuSeconds: number
  method: string
  memory?: MemoryPeaks
  detail?: string
  /** High watermark of each partition after the run. */
  stored: number[]
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0)
}

export async function runCase(
  target: BrokerTarget,
  topics: TopicSupply,
  client: ClientDefinition,
  ack: AckProfile,
  ctx: ClientContext,
  profileName?: string,
): Promise<CaseRun> {
  const { records } = ctx.settings
  const topic = await topics.fresh()
  const config: ChildConfig = {
    bootstrap: target.bootstrap,
    topic,
    records,
    acks: ack.acks,
    idempotent: ack.idempotent,
    valuesFile: ctx.valuesFile,
    tuning: {},
  }
  const cpuBefore = readCpuSeconds(target.pid)
  const outcome = await client.run(config, ctx, profileName)
  const brokerCpuSeconds = readCpuSeconds(target.pid) - cpuBefore
  const stored = await topics.stored(topic)
  await topics.remove(topic)
  const base = { client: client.id, ack, brokerCpuSeconds, stored }
  if ('error' in outcome) {
    return {
      ...base,
      ok: false,
      error: outcome.error,
      seconds: 0,
      cpuSeconds: 0,
      peakRssBytes: 0,
      method: '',
    }
  }
  const held = sum(stored)
  const problems: string[] = []
  if (outcome.failed > 0) problems.push(`${outcome.failed} records failed (first: ${outcome.firstError})`)
  if (outcome.acknowledged !== records) problems.push(`${outcome.acknowledged} of ${records} acknowledged`)
  if (held !== records)
    problems.push(`the topic holds ${held} records (${stored.join(' + ')}), not ${records}`)
  return {
    ...base,
    ok: problems.length === 0,
    error: problems.length > 0 ? problems.join('; ') : undefined,
    seconds: outcome.seconds,
    cpuSeconds: outcome.cpuSeconds,
    peakRssBytes: outcome.peakRssBytes,
    method: outcome.method,
    memory: outcome.memory,
    detail: outcome.detail,
  }
}
