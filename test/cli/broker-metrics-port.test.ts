import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { Kafka } from '../../src/client/kafka.js'
import { parseExposition, sampleValue } from '../metrics/exposition.js'

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))

/** `sluice broker --port 0 ...args` from source; resolves with what it printed once `want` matched stdout. */
function spawnCli(args: string[], want: RegExp, timeoutMs = 20_000) {
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
  const ready = new Promise<{ stdout: string }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${want} within ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    )
    child.stdout!.on('data', (d) => {
      stdout += d
      if (want.test(stdout)) {
        clearTimeout(timer)
        resolve({ stdout })
      }
    })
    exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`exited (${code}): ${stderr}`))
    })
  })
  return { child, ready, exited, stderr: () => stderr }
}

describe('sluice broker --metrics-port', () => {
  let child: ChildProcess | undefined

  afterEach(() => {
    child?.kill('SIGKILL')
  })

  it('serves the broker and process metrics at /metrics and stops with the broker', async () => {
    const cli = spawnCli(['--log-level', 'warn', '--metrics-port', '0'], /metrics on (\S+)\n/)
    child = cli.child
    const { stdout } = await cli.ready
    const bootstrap = /listening on (\S+)/.exec(stdout)![1]
    const url = /metrics on (\S+)/.exec(stdout)![1]
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)

    const kafka = new Kafka({ brokers: [bootstrap], logger: 'silent' })
    const producer = kafka.producer({ lingerMs: 0 })
    await producer.send({ topic: 'cli-metrics', messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] })
    await producer.close()

    const res = await fetch(url)
    expect(res.status).toBe(200)
    const samples = parseExposition(await res.text())
    expect(sampleValue(samples, 'sluice_broker_messages_in_total')).toBe(3)
    expect(sampleValue(samples, 'sluice_broker_requests_total', { api: 'Produce' })).toBeGreaterThanOrEqual(1)
    expect(
      sampleValue(samples, 'sluice_broker_log_end_offset', { topic: 'cli-metrics', partition: '0' }),
    ).toBe(3)
    // prom-client's process metrics come along
    expect(sampleValue(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0)

    cli.child.kill('SIGTERM')
    expect(await cli.exited).toBe(0)
    await expect(fetch(url)).rejects.toThrow()
  }, 30_000)

  it('a port in use fails in one line naming the option', async () => {
    const first = spawnCli(['--log-level', 'warn', '--metrics-port', '0'], /metrics on (\S+)\n/)
    child = first.child
    const url = /metrics on (\S+)/.exec((await first.ready).stdout)![1]
    const port = new URL(url).port
    const second = spawnCli(['--log-level', 'warn', '--metrics-port', port], /never/)
    const failure = await second.ready.then(
      () => new Error('it started'),
      (err: Error) => err,
    )
    expect(await second.exited).not.toBe(0)
    expect(second.stderr()).toContain(`error: --metrics-port ${port}:`)
    expect(second.stderr()).toMatch(/EADDRINUSE/)
    expect(second.stderr()).not.toMatch(/\n\s+at /)
    expect(failure.message).toMatch(/exited/)
  }, 30_000)
})
