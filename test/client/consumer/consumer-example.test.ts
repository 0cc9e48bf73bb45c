import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../../', import.meta.url))

describe('examples/client/consumer-key-order.ts (the README example)', () => {
  it('processes every order but the poisoned one, dead-letters it, and leaves no lag', () => {
    const run = spawnSync(
      process.execPath,
      [`${root}node_modules/tsx/dist/cli.mjs`, 'examples/client/consumer-key-order.ts'],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 25_000,
      },
    )
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/processed 4999, dead-lettered 1, retries 2, accounts 100/)
    expect(run.stdout).toMatch(/committed lag after close: 0/)
  })
})
