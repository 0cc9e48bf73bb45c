import { FUZZ_FRAME_KINDS } from '../../test/support/frame-fuzz.js'
import { formatBytes, formatInteger, formatPercent, formatSi, type Table } from '../support/table.js'
import type { OutcomeCounts } from './attacker.js'
import type { SoakResult } from './soak-run.js'

/** The soak's tables: the verdict, frames by kind and by API, why the broker hung up, memory over time. */

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

function ms(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(value >= 10 ? 0 : 1)} ms` : 'n/a'
}

function signedBytes(bytes: number): string {
  return `${bytes < 0 ? '-' : '+'}${formatBytes(Math.abs(bytes))}`
}

function heapCell(bytes: number): string {
  return Number.isNaN(bytes) ? '-' : formatBytes(bytes)
}

function mustBeZero(n: number): string {
  return n === 0 ? '0' : `${formatInteger(n)}  <-- FAILED`
}

function share(part: number, whole: number): string {
  return whole === 0 ? '' : formatPercent(part / whole)
}

export function verdictTable(r: SoakResult): Table {
  const { attack, healthy, memory } = r
  const latencies = healthy.produceLatenciesMs
  const growth = memory.after - memory.before
  const quietSeconds = (r.settings.quietMs / 1000).toFixed(0)
  const collected = memory.timeline.filter((w) => w.fullGcs > 0)
  const firstGc = collected[0]?.heapAfterGcMin ?? Number.NaN
  const lastGc = collected[collected.length - 1]?.heapAfterGcMin ?? Number.NaN
  return {
    title: `Soak: ${formatInteger(r.settings.frames)} random and mutated frames against \`sluice broker\` (own process, default limits)`,
    columns: [{ header: 'measure' }, { header: 'value', align: 'right' }],
    rows: [
      ['frames thrown', formatInteger(attack.thrown)],
      ['duration', `${r.seconds.toFixed(1)} s`],
      ['frames/s', formatSi(attack.thrown / r.seconds)],
      ['attacker connections opened', formatInteger(attack.connectionsOpened)],
      ['attacker connection attempts refused', formatInteger(attack.connectFailures)],
      null,
      ['broker crashes', mustBeZero(r.crashes)],
      ['well-behaved client errors', mustBeZero(healthy.errors)],
      ['records produced', formatInteger(healthy.recordsProduced)],
      ['records consumed and verified', formatInteger(healthy.recordsVerified)],
      ['records produced but never verified', mustBeZero(r.healthyUnverified)],
      ['well-behaved produce round trips', formatInteger(latencies.length)],
      [
        '  latency p50 / p99 / max',
        `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 99))} / ${ms(percentile(latencies, 100))}`,
      ],
      null,
      ['broker RSS idle (fresh process)', formatBytes(memory.idle)],
      [
        `broker RSS before (${formatInteger(r.settings.warmupFrames)} warm-up frames, then ${quietSeconds} s quiet)`,
        formatBytes(memory.before),
      ],
      [`broker RSS after (all frames, then ${quietSeconds} s quiet)`, formatBytes(memory.after)],
      ['  after - before', signedBytes(growth)],
      ['broker V8 heap after full GC, first / last tenth', `${heapCell(firstGc)} / ${heapCell(lastGc)}`],
      ['broker RSS peak (sampled every 250 ms)', formatBytes(memory.peakSampled)],
      ['broker VmHWM (kernel high-water mark)', formatBytes(memory.highWater)],
      [
        'broker CPU (of one core, while attacked)',
        Number.isFinite(r.brokerCpuSeconds) ? formatPercent(r.brokerCpuSeconds / r.seconds) : 'n/a',
      ],
      ['attackers + client CPU (one process, of one core)', formatPercent(r.loadCpuSeconds / r.seconds)],
      null,
      ['broker still serving at the end', r.servingAtEnd ? 'yes' : `NO: ${r.servingError}  <-- FAILED`],
      [
        'broker exited 0 on SIGTERM',
        r.crashes > 0 ? 'n/a (crashed)' : r.cleanShutdown ? 'yes' : 'NO  <-- FAILED',
      ],
      [
        'topics / partitions / groups / members at the end',
        `${formatInteger(r.stateAtEnd.topics)} / ${formatInteger(r.stateAtEnd.partitions)} / ${formatInteger(r.stateAtEnd.groups)} / ${formatInteger(r.stateAtEnd.members)}`,
      ],
      ['records attackers appended to soak-target', formatInteger(r.stateAtEnd.seedTopicRecords)],
      ['broker log: connections closed on bad input', formatInteger(r.brokerLog.closes)],
      ['broker log: ERROR lines', mustBeZero(r.brokerLog.errorCount)],
      ['broker log: other lines', formatInteger(r.brokerLog.otherCount)],
    ],
    notes: [
      `${r.settings.attackers} attacker connections at a time, each sending one frame and waiting up to ${r.settings.answerTimeoutMs} ms for an answer or`,
      'a close before the next, reconnecting whenever the broker hangs up: every frame counted reached the broker.',
      'One well-behaved client on its own connection produced batches (acks=all, every codec in turn) and fetched each',
      'back, checking every record at its offset, byte for byte; every error response, dropped connection or mismatch counts.',
      `Pool: ${formatInteger(r.poolSize.requests)} valid requests (random field values for every advertised version of every API, plus`,
      `${r.poolSize.seeds} requests naming an existing topic and group, each ${formatInteger(4)} times) x ${formatInteger(r.poolSize.mutationLists)} mutation lists; seed ${r.settings.seed}.`,
      'V8 heap after full GC (the broker runs under node --trace-gc) is what its objects hold; RSS adds spare heap',
      'pages, buffers outside the heap and allocator slack, which V8 and glibc keep for reuse after a burst.',
      'Topics, partitions, groups and members at the end: what attackers created with valid CreateTopics, CreatePartitions,',
      "JoinGroup, OffsetCommit... requests (state the broker is meant to keep), plus the soak's own two topics.",
    ],
  }
}

function outcomeCells(counts: OutcomeCounts): string[] {
  const total = counts.answered + counts.closed + counts.silent + counts['hung-up']
  return [
    formatInteger(total),
    share(counts.answered, total),
    share(counts.closed, total),
    share(counts.silent, total),
    share(counts['hung-up'], total),
  ]
}

const OUTCOME_COLUMNS = [
  { header: 'frames', align: 'right' as const },
  { header: 'answered', align: 'right' as const },
  { header: 'broker closed', align: 'right' as const },
  { header: 'no answer', align: 'right' as const },
  { header: 'lying size', align: 'right' as const },
]

export function kindTable(r: SoakResult): Table {
  return {
    title: 'Frames by kind, and what the broker did with them',
    columns: [{ header: 'kind' }, ...OUTCOME_COLUMNS],
    rows: FUZZ_FRAME_KINDS.filter((kind) => r.attack.byKind.has(kind)).map((kind) => [
      kind,
      ...outcomeCells(r.attack.byKind.get(kind)!),
    ]),
    notes: [
      'valid: a request with random values, unchanged; mutated: one to three cuts, flips, overwrites, insertions,',
      'deletions or hostile int16/int32/varint lengths; random-body: a valid header, random bytes after it; random: random',
      'bytes; lying size: the size prefix is negative, under 8, over the request limit or longer than the bytes sent,',
      `and the attacker hangs up after sending. no answer: nothing within ${r.settings.answerTimeoutMs} ms (a parked long-poll, JoinGroup or`,
      'SyncGroup, or acks=0), after which the attacker resets the connection.',
    ],
  }
}

export function apiTable(r: SoakResult): Table {
  const rows = [...r.attack.byApi.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, tally]) => {
      const thrown = [...tally.versions].sort((a, b) => a - b)
      const advertised = r.advertised.get(name)
      const covered = advertised ? advertised.every((v) => tally.versions.has(v)) : true
      return [
        name,
        advertised ? `${advertised[0]}-${advertised[advertised.length - 1]}` : 'not served',
        `${thrown[0]}-${thrown[thrown.length - 1]}${covered ? '' : ' (gaps)'}`,
        ...outcomeCells(tally.outcomes),
      ]
    })
  return {
    title: 'Valid, mutated and random-body frames by the API of the request they came from',
    columns: [{ header: 'API' }, { header: 'advertised' }, { header: 'thrown' }, ...OUTCOME_COLUMNS],
    rows,
  }
}

export function validClosedTable(r: SoakResult): Table {
  const rows = [...r.attack.validClosed.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([api, n]) => [api, formatInteger(n)])
  return {
    title:
      'Unchanged valid requests (random field values), first on a fresh connection, that the broker hung up on',
    columns: [{ header: 'API version' }, { header: 'frames', align: 'right' }],
    rows: rows.length > 0 ? rows : [['none', '0']],
    notes: [
      'Not failures by themselves (Kafka too closes on, say, SaslAuthenticate before SaslHandshake), but where a',
      'well-formed request gets a hang-up instead of an error code, compare with what Kafka answers.',
    ],
  }
}

export function closeReasonTable(r: SoakResult, top = 15): Table {
  const reasons = [...r.brokerLog.closeReasons.entries()].sort((a, b) => b[1] - a[1])
  const shown = reasons.slice(0, top)
  const rest = reasons.slice(top).reduce((sum, [, n]) => sum + n, 0)
  const rows = shown.map(([reason, n]) => [formatInteger(n), share(n, r.brokerLog.closes), reason])
  if (rest > 0)
    rows.push([
      formatInteger(rest),
      share(rest, r.brokerLog.closes),
      `(${reasons.length - top} other reasons)`,
    ])
  return {
    title: 'Why the broker closed attacker connections (its warnings, numbers replaced by N)',
    columns: [
      { header: 'closes', align: 'right' },
      { header: 'share', align: 'right' },
      { header: 'reason' },
    ],
    rows,
  }
}

export function memoryTimelineTable(r: SoakResult): Table {
  const { memory } = r
  const quiet = `${(r.settings.quietMs / 1000).toFixed(0)} s quiet`
  return {
    title: 'Broker RSS over the run',
    columns: [
      { header: 'point' },
      { header: 'frames', align: 'right' },
      { header: 'lowest RSS', align: 'right' },
      { header: 'highest RSS', align: 'right' },
      { header: 'lowest vs before', align: 'right' },
      { header: 'full GCs', align: 'right' },
      { header: 'heap after full GC', align: 'right' },
    ],
    rows: [
      [
        'idle (fresh broker)',
        '0',
        formatBytes(memory.idle),
        '',
        signedBytes(memory.idle - memory.before),
        '',
        '',
      ],
      [
        `before (${quiet})`,
        formatInteger(r.settings.warmupFrames),
        formatBytes(memory.before),
        '',
        '',
        '',
        heapCell(memory.heapBefore),
      ],
      ...memory.timeline.map((w, i) => [
        `tenth ${i + 1}`,
        formatInteger(w.thrown),
        formatBytes(w.min),
        formatBytes(w.max),
        signedBytes(w.min - memory.before),
        formatInteger(w.fullGcs),
        heapCell(w.heapAfterGcMin),
      ]),
      [
        `after (${quiet})`,
        formatInteger(r.attack.thrown),
        formatBytes(memory.after),
        '',
        signedBytes(memory.after - memory.before),
        '',
        heapCell(memory.heapAfter),
      ],
    ],
    notes: [
      'heap after full GC: V8 heap in use after the lowest full collection of the tenth (`node --trace-gc`), what the',
      "broker's objects hold without garbage or spare pages; for before and after, the last full collection by then.",
      `Sampled every 250 ms; a tenth's range runs from its lowest sample (after a collection) to its highest (before one).`,
      'A leak raises the lowest RSS from one tenth to the next in step with the frames; a heap at its working size',
      'moves within a band. before and after are read with attackers and client paused, after the same quiet time.',
    ],
  }
}

/** True when the run met every requirement: no crash, no client error, everything verified, still serving. */
export function soakPassed(r: SoakResult): boolean {
  return (
    r.crashes === 0 &&
    r.healthy.errors === 0 &&
    r.healthyUnverified === 0 &&
    r.servingAtEnd &&
    r.cleanShutdown &&
    r.brokerLog.errorCount === 0
  )
}
