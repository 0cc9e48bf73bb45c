import { fork } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Runs the benchmarks under bench/: every folder with an index.ts (except
 * support/), or only those named on the command line:
 *
 *   npm run bench               all of them
 *   npm run bench -- protocol   just bench/protocol
 *
 * Each benchmark runs in its own Node process so that one does not inherit the
 * JIT state and heap of another, with --expose-gc so cases can start from a
 * collected heap. BENCH_WARMUP_MS, BENCH_ROUND_MS and BENCH_ROUNDS tune the
 * timing (see support/measure.ts); NODE_OPTIONS reaches the child processes,
 * e.g. NODE_OPTIONS=--cpu-prof for a profile.
 */

const benchDir = dirname(fileURLToPath(import.meta.url))
const runner = join(benchDir, 'support', 'run-benchmark.ts')

function availableBenchmarks(): string[] {
  return readdirSync(benchDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'support')
    .filter((entry) => existsSync(join(benchDir, entry.name, 'index.ts')))
    .map((entry) => entry.name)
    .sort()
}

function runInChild(name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = fork(runner, [name], {
      execArgv: [...process.execArgv, '--expose-gc'],
      stdio: 'inherit',
    })
    child.once('error', reject)
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })
}

function describeMachine(): string {
  const cpus = os.cpus()
  const model = cpus[0]?.model.trim() ?? 'unknown CPU'
  return [
    `Node ${process.version} (V8 ${process.versions.v8}) on ${process.platform}/${process.arch}`,
    `${model}, ${cpus.length} logical cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, ${new Date().toISOString()}`,
  ].join('\n')
}

async function main(): Promise<number> {
  const available = availableBenchmarks()
  const requested = process.argv.slice(2).filter((arg) => arg !== '--')
  const unknown = requested.filter((name) => !available.includes(name))
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')}; available: ${available.join(', ')}`)
    return 2
  }
  const selected = requested.length > 0 ? requested : available
  console.log(`${describeMachine()}\n`)
  let failed = 0
  for (const name of selected) {
    console.log(`=== bench/${name} ===\n`)
    const started = performance.now()
    const code = await runInChild(name)
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    if (code !== 0) {
      failed++
      console.error(`bench/${name} failed (exit code ${code}) after ${seconds} s\n`)
    } else {
      console.log(`bench/${name} finished in ${seconds} s\n`)
    }
  }
  return failed > 0 ? 1 : 0
}

process.exitCode = await main()
