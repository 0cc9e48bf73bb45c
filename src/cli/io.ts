/**
 * Where the client commands write and how they end. The process's own
 * streams and `process.exit`; tests put captures here to run a command
 * in-process (spawning node for each case costs seconds on a busy machine).
 */
export interface CliIo {
  stdin: NodeJS.ReadableStream
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  exit: (code: number) => never
}

export const io: CliIo = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  exit: (code) => process.exit(code),
}
