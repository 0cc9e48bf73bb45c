import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { kafkaAvailability } from '../test/kafka/kafka-install.js'
import { formatChecks, formatMarkdown, formatReport, type NumberedResult, passed } from './support/report.js'
import type { Scenario, TargetName } from './support/scenario.js'

/**
 * The reliability suite: every scenario under scenarios/ (a folder with an
 * index.ts exporting `scenario`), or those named, against the embedded
 * broker and Apache Kafka, then one table of what was sent, acknowledged,
 * consumed, lost and duplicated. Exits 1 when any check failed.
 *
 *   npm run reliability                       the full set (about an hour)
 *   npm run reliability -- --short            the CI variant of each (minutes)
 *   npm run reliability -- consumer-kill --targets embedded --seed 42
 *   npm run reliability -- --markdown out.md  also write the table for README
 */

const USAGE = `usage: npm run reliability -- [scenario ...] [--short] [--targets embedded,kafka] [--seed N] [--markdown FILE] [--keep]`

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    short: { type: 'boolean', default: false },
    targets: { type: 'string', default: 'embedded,kafka' },
    seed: { type: 'string' },
    markdown: { type: 'string' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
})
if (values.help) {
  console.log(USAGE)
  process.exit(0)
}

const here = dirname(fileURLToPath(import.meta.url))

async function loadScenarios(): Promise<Scenario[]> {
  const folders = readdirSync(join(here, 'scenarios'), { withFileTypes: true }).filter(
    (e) => e.isDirectory() && existsSync(join(here, 'scenarios', e.name, 'index.ts')),
  )
  const loaded = await Promise.all(
    folders.map(async (f) => (await import(`./scenarios/${f.name}/index.js`)).scenario as Scenario),
  )
  return loaded.sort((a, b) => a.number - b.number)
}

const all = await loadScenarios()
for (const id of positionals) {
  if (!all.some((s) => s.id === id)) {
    console.error(`unknown scenario ${id}; there are: ${all.map((s) => s.id).join(', ')}\n${USAGE}`)
    process.exit(2)
  }
}
const targets = values.targets.split(',').map((t) => t.trim()) as TargetName[]
for (const t of targets) {
  if (t !== 'embedded' && t !== 'kafka') {
    console.error(`--targets: unknown target ${t}; use embedded, kafka\n${USAGE}`)
    process.exit(2)
  }
}
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed)
if (!Number.isInteger(seed)) {
  console.error(`--seed: expected an integer, got ${values.seed}`)
  process.exit(2)
}
const chosen = positionals.length === 0 ? all : all.filter((s) => positionals.includes(s.id))
const kafka = targets.includes('kafka') ? kafkaAvailability() : undefined
if (kafka && !kafka.available) {
  console.error(`--targets kafka: Apache Kafka cannot run here (${kafka.reason}); run bash .ci/fetch-kafka`)
  process.exit(2)
}

const started = new Date()
const log = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`)
log(`reliability ${values.short ? 'short' : 'full'} run, seed ${seed}, targets ${targets.join(', ')}`)
const results: NumberedResult[] = []
for (const scenario of chosen) {
  for (const target of scenario.targets.filter((t) => targets.includes(t))) {
    const workDir = mkdtempSync(join(tmpdir(), `sluice-reliability-${scenario.id}-`))
    const begun = performance.now()
    log(`${scenario.number} ${scenario.id} on ${target}: ${scenario.title}`)
    let ok = false
    try {
      const produced = await scenario.run(target, { short: values.short, seed, workDir, log })
      for (const r of produced) results.push({ ...r, number: scenario.number })
      ok = produced.every(passed)
    } catch (error) {
      results.push({
        number: scenario.number,
        scenario: scenario.id,
        target,
        variant: '',
        sent: -1,
        acked: -1,
        consumed: -1,
        lost: -1,
        duplicated: -1,
        memory: [],
        checks: [{ what: 'the scenario ran to its end', ok: false, detail: (error as Error).stack }],
        notes: [],
        seconds: (performance.now() - begun) / 1000,
      })
    }
    if (ok && !values.keep) rmSync(workDir, { recursive: true, force: true })
    else log(`  kept ${workDir}`)
  }
}

const title = `Sluice reliability, ${values.short ? 'short' : 'full'} run of ${started.toISOString().slice(0, 10)}, seed ${seed} (${process.version})`
console.log(formatReport(results, title))
console.log(`\n${formatChecks(results)}`)
if (values.markdown) {
  mkdirSync(dirname(values.markdown), { recursive: true })
  writeFileSync(values.markdown, `${title}\n\n${formatMarkdown(results)}\n`)
}
process.exit(results.length > 0 && results.every(passed) ? 0 : 1)
