import { createInterface } from 'node:readline'

/** The parent's instruction to a consumer child, read from its stdin: `expect N` or `stop`. */
export type StopCommand = { expect: number } | { now: true }

export function nextStopCommand(): Promise<StopCommand> {
  const lines = createInterface({ input: process.stdin })
  return new Promise((resolve, reject) => {
    lines.on('line', (line) => {
      const expect = /^expect (\d+)$/.exec(line.trim())
      if (expect) resolve({ expect: Number(expect[1]) })
      else if (line.trim() === 'stop') resolve({ now: true })
      else return
      lines.close()
      // a closed interface still leaves stdin open, which would keep the process alive until the parent exits
      process.stdin.destroy()
    })
    lines.once('close', () => reject(new Error('stdin closed before a stop command')))
    // (after a command, the rejection of the settled promise is a no-op)
  })
}
