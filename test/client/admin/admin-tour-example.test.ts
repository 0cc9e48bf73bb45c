import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../../', import.meta.url))

describe('examples/client/admin-tour.ts (the README example)', () => {
  it('runs against the embedded broker and exits 0', () => {
    const run = spawnSync(
      process.execPath,
      [`${root}node_modules/tsx/dist/cli.mjs`, 'examples/client/admin-tour.ts'],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 25_000,
      },
    )
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/\[3\] leader 1 replicas 1 isr 1/)
    expect(run.stdout).toMatch(/cleanup.policy = compact \(topic\)/)
    expect(run.stdout).toMatch(/total lag 0/)
    expect(run.stdout).toMatch(/after deleteTopics: UNKNOWN_TOPIC_OR_PARTITION/)
  })
})
