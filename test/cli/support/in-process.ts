import { Readable, Writable } from 'node:stream'
import { Command } from 'commander'
import { registerConsumeCommand } from '../../../src/cli/commands/consume.js'
import { registerGroupsCommand } from '../../../src/cli/commands/groups.js'
import { registerProduceCommand } from '../../../src/cli/commands/produce.js'
import { registerTopicsCommand } from '../../../src/cli/commands/topics.js'
import { io } from '../../../src/cli/io.js'
import type { CliResult, RunOptions } from './run-cli.js'

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`)
  }
}

class Capture extends Writable {
  text = ''
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString()
    done()
  }
}

/**
 * Runs `sluice <args>` in this process: the same command code as the
 * binary, with stdin, stdout, stderr and the exit captured. Much cheaper
 * than a spawn (which run-cli.ts does, for what only a real process shows).
 */
export async function runInProcess(
  args: readonly string[],
  options: Pick<RunOptions, 'input'> = {},
): Promise<CliResult> {
  const program = new Command('sluice')
  registerTopicsCommand(program)
  registerGroupsCommand(program)
  registerProduceCommand(program)
  registerConsumeCommand(program)
  const saved = { ...io }
  const stdout = new Capture()
  const stderr = new Capture()
  Object.assign(io, {
    stdin: Readable.from([options.input ?? '']),
    stdout,
    stderr,
    exit: (code: number) => {
      throw new Exited(code)
    },
  })
  let code: number
  try {
    await program.parseAsync(args, { from: 'user' })
    code = Number(process.exitCode ?? 0)
  } catch (err) {
    if (!(err instanceof Exited)) throw err
    code = err.code
  } finally {
    Object.assign(io, saved)
    process.exitCode = undefined
  }
  return { code, stdout: stdout.text, stderr: stderr.text }
}
