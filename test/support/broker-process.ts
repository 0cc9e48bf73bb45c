import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))

export interface BrokerProcess {
  child: ChildProcess
  bootstrap: string
  stderr: () => string
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string>
}

/**
 * Runs `sluice broker` in a child process (through tsx, from source) and
 * resolves once it prints `listening on HOST:PORT`. Fails after `timeoutMs`.
 */
export function spawnBroker(args: string[], timeoutMs = 20_000): Promise<BrokerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'broker', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stderr!.on('data', (d) => {
    stderr += d
  })
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  )
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`broker did not start within ${timeoutMs} ms: ${stderr}`))
    }, timeoutMs)
    child.stdout!.on('data', (d) => {
      stdout += d
      const match = /listening on (\S+)/.exec(stdout)
      if (match) {
        clearTimeout(timer)
        resolve({ child, bootstrap: match[1], stderr: () => stderr, exited })
      }
    })
    exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`broker exited (${code}) before listening: ${stderr}`))
    })
  })
}
