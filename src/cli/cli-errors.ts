import type { Command, CommanderError } from 'commander'
import { ClientConfigError, InvalidArgumentError } from '../client/index.js'
import { io } from './io.js'

/** Exit codes of the client commands (documented in README, "The command line"). */
export const EXIT_OK = 0
/** Kafka or the runtime failed: a broker refused, timed out, was unreachable. */
export const EXIT_FAILURE = 1
/** The command line was wrong: an unknown option, a bad value, a missing argument. */
export const EXIT_USAGE = 2

/** A bad argument found by a command itself (beyond what commander checks). */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** Whether the error is the user's command line rather than Kafka's answer. */
function isUsage(err: unknown): boolean {
  return err instanceof UsageError || err instanceof ClientConfigError || err instanceof InvalidArgumentError
}

function debugEnv(): boolean {
  const debug = process.env.DEBUG
  return debug !== undefined && debug !== '' && debug !== '0'
}

/** Prints `sluice: <message>` (the stack only with `verbose` or DEBUG) and exits with the code that says why. */
export function fail(err: unknown, verbose = false): never {
  const error = err instanceof Error ? err : new Error(String(err))
  // one line: a cause's message is appended, newlines folded
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : ''
  io.stderr.write(`sluice: ${`${error.message}${cause}`.replace(/\s*\n\s*/g, '; ')}\n`)
  if ((verbose || debugEnv()) && error.stack) io.stderr.write(`${error.stack}\n`)
  return io.exit(isUsage(err) ? EXIT_USAGE : EXIT_FAILURE)
}

/** Wraps a command's action: any error it throws ends the process through `fail`. */
export function action<A extends unknown[]>(
  run: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args)
    } catch (err) {
      // commander passes the command last; its --verbose asks for the stack
      const command = args[args.length - 1] as { opts?: () => Record<string, unknown> } | undefined
      fail(err, command?.opts?.().verbose === true)
    }
  }
}

/**
 * Makes commander report this command's usage errors (and its subcommands',
 * which inherit the settings when created after this call) as one
 * `sluice: ...` line with exit code 2, instead of `error: ...`, the whole
 * help and exit code 1.
 */
export function usageErrorsExitTwo(command: Command): Command {
  return command
    .showHelpAfterError(false)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`sluice: ${text.replace(/^error: /, '').trimEnd()} (see --help)\n`),
    })
    .exitOverride((err: CommanderError) => {
      // --help and --version end with exit code 0; everything else is a usage error
      io.exit(err.exitCode === 0 ? EXIT_OK : EXIT_USAGE)
    })
}
