import type { LiveSnapshot } from '../live/live-snapshot.js'
import { bar, formatBytes, formatCount } from './view-format.js'

/** What the view shows besides the snapshot: where the run is and how to drive it. */
export interface ViewContext {
  readonly bootstrap: string
  readonly topic: string
  readonly groupId: string
  readonly consoleUrl?: string
  readonly metricsUrl?: string
  /** Keys work (stdin is a TTY): show them. */
  readonly keys: boolean
  /** The last thing a key did, shown until the next. */
  readonly notice?: string
}

export const KEY_HELP =
  'keys: +/- producer rate   f/s handler faster/slower   x failures on/off   o overflow policy   a/r add/remove consumer   q quit'

const rate = (n: number) => `${formatCount(n)}/s`

/** The full view for a TTY, one line per row (redrawn in place once a second). */
export function frameLines(s: LiveSnapshot, ctx: ViewContext): string[] {
  const p = s.producer
  const c = s.consumer
  const d = s.demo
  const breaker =
    c.breaker === 'none'
      ? 'none'
      : `${c.breaker.toUpperCase()}${d ? ` (opened ${d.breakerOpens}, closed ${d.breakerCloses})` : ''}`
  const lines = [
    `sluice demo  ${s.elapsedSeconds.toFixed(0)} s   ${ctx.topic} (${c.partitions} partitions assigned)   group ${ctx.groupId}   kafka ${ctx.bootstrap}`,
    '',
    `producer  ${rate(p.recordsPerSecond).padStart(9)}  target ${rate(p.targetRate)}   acknowledged ${formatCount(p.acknowledged)}${d ? ` of ${formatCount(d.produced)} produced` : ''}`,
    `  buffer  ${bar(p.bufferBytesUsed, p.bufferBytesTotal)} ${formatBytes(p.bufferBytesUsed)} / ${formatBytes(p.bufferBytesTotal)}   waiting sends ${p.sendersWaiting}   requests in flight ${p.inFlightRequests}   retries ${p.retries}   drops ${p.drops}   errors ${p.errors}`,
    `consumer  ${rate(c.recordsPerSecond).padStart(9)}  handler ${c.handlerMs} ms, ${c.concurrency} at once   members ${c.members}${d?.changingMembers ? ' (rebalancing)' : ''}   lag ${formatCount(c.lag)}`,
    `  buffer  ${bar(c.bufferedBytes, c.maxBufferedBytes)} ${formatBytes(c.bufferedBytes)} / ${formatBytes(c.maxBufferedBytes)}   ${formatCount(c.bufferedRecords)} records   paused partitions ${c.pausedPartitions}/${c.partitions}   in flight ${c.inFlight}`,
    `  overflow ${c.overflow}   breaker ${breaker}   failing ${d?.failing ? 'YES' : 'no'}   retries ${formatCount(c.retries)}   dropped ${formatCount(c.drops)}   duplicates ${formatCount(c.duplicates)}   processed ${formatCount(c.processed)}`,
    `process   RSS ${formatBytes(s.process.rssBytes)}${d ? ` (peak ${formatBytes(d.peakRssBytes)})` : ''}   heap ${formatBytes(s.process.heapUsedBytes)}${d ? `   peak member buffer ${formatBytes(d.peakMemberBufferedBytes)} of ${formatBytes(d.memberBudgetBytes)}` : ''}`,
  ]
  if (ctx.consoleUrl || ctx.metricsUrl) {
    lines.push('')
    if (ctx.consoleUrl) lines.push(`console   ${ctx.consoleUrl}`)
    if (ctx.metricsUrl) lines.push(`metrics   ${ctx.metricsUrl}`)
  }
  lines.push('')
  lines.push(ctx.keys ? KEY_HELP : 'stop with Ctrl-C (SIGINT) or SIGTERM')
  if (ctx.notice) lines.push(`> ${ctx.notice}`)
  return lines
}

/** One line a second when the output is not a TTY: `key=value` pairs that grep and awk can read. */
export function statusLine(s: LiveSnapshot): string {
  const p = s.producer
  const c = s.consumer
  const fields = [
    `t=${s.elapsedSeconds.toFixed(0)}s`,
    `produce=${Math.round(p.recordsPerSecond)}/s`,
    `target=${Math.round(p.targetRate)}/s`,
    `acked=${p.acknowledged}`,
    `consume=${Math.round(c.recordsPerSecond)}/s`,
    `processed=${c.processed}`,
    `lag=${c.lag}`,
    `buffer=${formatBytes(c.bufferedBytes).replace(' ', '')}/${formatBytes(c.maxBufferedBytes).replace(' ', '')}`,
    `paused=${c.pausedPartitions}/${c.partitions}`,
    `inflight=${c.inFlight}`,
    `pbuffer=${formatBytes(p.bufferBytesUsed).replace(' ', '')}/${formatBytes(p.bufferBytesTotal).replace(' ', '')}`,
    `retries=${c.retries}`,
    `drops=${c.drops}`,
    `overflow=${c.overflow}`,
    `breaker=${c.breaker}`,
    `members=${c.members}`,
    `rss=${formatBytes(s.process.rssBytes).replace(' ', '')}`,
  ]
  if (s.demo?.failing) fields.push('failing=yes')
  return fields.join(' ')
}

/** Writes the view: redrawn in place on a TTY, a line per snapshot otherwise. */
export class TerminalView {
  private drawnLines = 0

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly tty = out.isTTY === true,
  ) {}

  draw(snapshot: LiveSnapshot, ctx: ViewContext): void {
    if (!this.tty) {
      this.out.write(`${statusLine(snapshot)}\n`)
      return
    }
    const width = this.out.columns || 120
    // a line wider than the terminal wraps, and the cursor would come back up short of the frame's top
    const lines = frameLines(snapshot, ctx).map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l))
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A` : ''
    this.out.write(`${up}\r\x1b[J${lines.join('\n')}\n`)
    this.drawnLines = lines.length
  }

  /** Text after the view (the summary) starts below it and is not redrawn over. */
  release(): void {
    this.drawnLines = 0
  }
}
