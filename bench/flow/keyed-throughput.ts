import { KeyedExecutor } from '../../src/flow/index.js'
import {
  type BenchCase,
  groupedRows,
  RATIO_NOTE,
  ratioCell,
  runComparison,
  spreadCell,
} from '../support/comparison.js'
import type { MeasureOptions } from '../support/measure.js'
import { formatInteger, formatSi, type Table } from '../support/table.js'
import { NaiveKeyedChains } from './naive-keyed.js'
import { check } from './verify.js'

/**
 * KeyedExecutor overhead: TASKS trivial tasks (they only count) submitted
 * round-robin over a number of keys at concurrency CONCURRENCY, then drained.
 * What is left is the executor's own cost per task.
 */

const TASKS = 100_000
const CONCURRENCY = 100

type Run = (keys: number, task: () => unknown) => Promise<void>

const sluice: Run = async (keys, task) => {
  const executor = new KeyedExecutor<number>({ concurrency: CONCURRENCY })
  for (let i = 0; i < TASKS; i++) await executor.submit(i % keys, task)
  await executor.drain()
}

const naive: Run = async (keys, task) => {
  const chains = new NaiveKeyedChains(CONCURRENCY)
  for (let i = 0; i < TASKS; i++) chains.submit(i % keys, task)
  await chains.drain()
}

export async function benchKeyedThroughput(options: MeasureOptions): Promise<Table> {
  let counted = 0
  const syncTask = () => {
    counted++
  }
  const asyncTask = async () => {
    counted++
  }
  const keyCounts: [number, string][] = [
    [1, '1 key'],
    [1000, '1,000 keys'],
    [TASKS, 'a key per task'],
  ]
  const cases: BenchCase[] = []
  for (const [keys, label] of keyCounts) {
    cases.push(
      { group: label, name: 'Sluice KeyedExecutor, async task', fn: () => sluice(keys, asyncTask) },
      { group: label, name: 'Sluice KeyedExecutor, sync task', fn: () => sluice(keys, syncTask) },
      {
        group: label,
        name: 'hand-written promise chain per key + ConcurrencyLimiter, async task',
        fn: () => naive(keys, asyncTask),
      },
    )
  }
  for (const c of cases) {
    counted = 0
    await c.fn()
    check(counted === TASKS, `${c.group} / ${c.name} ran ${counted} of ${TASKS} tasks`)
  }
  const results = await runComparison(cases, options)
  return {
    title: `KeyedExecutor with trivial tasks: ${formatInteger(TASKS)} tasks, concurrency ${CONCURRENCY}, submitted round-robin over the keys`,
    columns: [
      { header: 'keys' },
      { header: 'implementation' },
      { header: 'tasks/s', align: 'right' },
      { header: 'spread', align: 'right' },
      { header: 'ratio', align: 'right' },
    ],
    rows: groupedRows(results, (r) => [
      r.bench.group,
      r.bench.name,
      formatSi(r.measurement.opsPerSecond * TASKS),
      spreadCell(r),
      ratioCell(r),
    ]),
    notes: [
      RATIO_NOTE,
      'Sluice rows await submit() for every task (it waits only when the queue is full) and then drain().',
      'The hand-written chain has no bound on queued tasks; it is there to show what the executor costs.',
    ],
  }
}
