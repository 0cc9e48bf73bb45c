import cliProgress from 'cli-progress'

/**
 * A progress bar on stderr, shown only when stderr is a terminal and the run
 * lasts longer than a moment (so short runs and pipes print nothing extra).
 */
export class Progress {
  private bar: cliProgress.SingleBar | undefined
  private readonly timer: NodeJS.Timeout | undefined
  private value = 0
  private readonly started = Date.now()

  constructor(
    private readonly total: number,
    private readonly unit: string,
    showAfterMs = 500,
  ) {
    if (!process.stderr.isTTY || total <= 0) return
    this.timer = setTimeout(() => this.show(), showAfterMs)
    this.timer.unref()
  }

  private show(): void {
    this.bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: `{bar} {percentage}% | {value}/{total} ${this.unit} | {rate}/s | {duration_formatted}`,
        hideCursor: true,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    )
    this.bar.start(this.total, this.value, { rate: 0 })
  }

  update(value: number): void {
    this.value = value
    if (!this.bar) return
    const seconds = (Date.now() - this.started) / 1000
    this.bar.update(Math.min(value, this.total), { rate: seconds > 0 ? Math.round(value / seconds) : 0 })
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.bar?.stop()
    this.bar = undefined
  }
}
