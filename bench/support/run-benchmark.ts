import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/**
 * Entry point of the child process bench/run.ts starts for one benchmark:
 * loads bench/<name>/index.ts and awaits its `run` export.
 */

interface BenchmarkModule {
  run(): Promise<void>
}

const name = process.argv[2]
if (!name || !/^[a-z0-9-]+$/.test(name)) throw new Error(`expected a benchmark name, got ${name}`)
const benchDir = dirname(dirname(fileURLToPath(import.meta.url)))
const module = (await import(pathToFileURL(join(benchDir, name, 'index.ts')).href)) as BenchmarkModule
if (typeof module.run !== 'function') throw new Error(`bench/${name}/index.ts has no run export`)
await module.run()
