// Key-ordered processing with KeyedExecutor: bank transfers for three
// accounts, where each account's transfers must apply in order but different
// accounts may proceed in parallel. Account A's transfers are slow; B and C
// are not held up behind them, and no account ever has two transfers in
// flight at once.
//
//   npx tsx examples/flow/ordered-per-key.ts
import { KeyedExecutor, sleep } from '../../src/flow/index.js'

const started = performance.now()
const elapsed = () => `${(performance.now() - started).toFixed(0).padStart(4)} ms`

const balances = new Map<string, number>([
  ['A', 100],
  ['B', 100],
  ['C', 100],
])
const executor = new KeyedExecutor<string>({ concurrency: 4 })
const transfers = [
  ['A', -30],
  ['B', +10],
  ['A', +50],
  ['C', -20],
  ['B', -60],
  ['A', -100],
  ['C', +5],
  ['B', +1],
] as const

for (const [account, amount] of transfers) {
  await executor.submit(account, async () => {
    const before = balances.get(account)!
    console.log(`${elapsed()}  ${account}: start ${amount > 0 ? '+' : ''}${amount} on ${before}`)
    // account A's ledger is slow to write to
    await sleep(account === 'A' ? 60 : 15)
    balances.set(account, before + amount)
    console.log(`${elapsed()}  ${account}: done, balance ${before + amount}`)
  })
}
await executor.drain()
console.log(`\nfinal balances: ${[...balances].map(([a, b]) => `${a}=${b}`).join(', ')}`)
console.log(
  `A never dipped below zero because -100 waited for +50; B and C finished long before A: ${JSON.stringify(executor.stats(), ['completed', 'maxRunning'])}`,
)
