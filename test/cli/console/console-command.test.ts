import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../../src/broker/index.js'
import { runCli } from '../support/run-cli.js'

const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url))

describe('sluice console', () => {
  let broker: RunningBroker

  beforeAll(async () => {
    broker = await startBroker({ port: 0, logger: 'silent' })
  })
  afterAll(async () => {
    await broker?.close()
  })

  it('prints its URL, answers the API against --brokers, and stops with exit 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', MAIN, 'console', '--brokers', broker.bootstrap, '--port', '0'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    try {
      let stdout = ''
      let stderr = ''
      child.stderr.on('data', (d) => {
        stderr += d
      })
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          stdout += d
          const match = /console on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)
          if (match) resolve(match[1])
        })
        child.on('exit', () => reject(new Error(`exited before printing its URL: ${stdout} ${stderr}`)))
      })
      const cluster = (await (await fetch(`${url}api/cluster`)).json()) as { brokers: { port: number }[] }
      expect(cluster.brokers.map((b) => b.port)).toEqual([Number(broker.bootstrap.split(':')[1])])
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      expect(stderr).toBe('')
    } finally {
      clearTimeout(killer)
      child.kill('SIGKILL')
    }
  })

  it('a bad --port is one line and exit code 2', async () => {
    const result = await runCli(['console', '--port', '70000'])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe('sluice: --port must be at most 65535, got 70000\n')
  })
})
