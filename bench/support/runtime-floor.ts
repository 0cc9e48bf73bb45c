import { childReport, runProcess } from './child-process.js'

/**
 * Peak RSS of a bare `node` that loads nothing: the floor under every Node
 * client's figure, printed beside the tables so that the part each client
 * adds can be read off.
 */
export async function nodeFloorBytes(): Promise<number | null> {
  const script =
    "const m=/^VmHWM:\\s+(\\d+) kB$/m.exec(require('node:fs').readFileSync('/proc/self/status','utf8'));" +
    "console.log('RESULT '+JSON.stringify({peakRssBytes:Number(m[1])*1024}))"
  const outcome = childReport<{ peakRssBytes: number }>(
    await runProcess({ command: process.execPath, args: ['-e', script] }, 30_000),
  )
  return 'error' in outcome ? null : outcome.peakRssBytes
}
