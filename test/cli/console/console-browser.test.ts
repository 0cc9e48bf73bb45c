import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningConsole, startConsole } from '../../../src/cli/console/server.js'
import { type DemoRun, startDemo } from '../../../src/cli/demo/demo.js'
import { underCi } from '../../compat/support/external-client.js'

const CHROMIUM = '/usr/bin/chromium'
const root = join(import.meta.dirname, '../../..')
const artifacts = join(root, 'test-artifacts')
const hasChromium = existsSync(CHROMIUM)

if (!hasChromium && underCi()) {
  // CI installs Chromium (.ci/install-compat-clients): there its absence is a failure, not a skip
  describe('web console in Chromium', () => {
    it('has Chromium to run in', () => {
      expect.fail(`CI runs the console's browser test, but ${CHROMIUM} is missing`)
    })
  })
} else if (!hasChromium) {
  console.warn(
    `\n*** SKIPPED: the web console's browser test needs Debian's Chromium at ${CHROMIUM} ***\n` +
      '*** install it with `apt-get install -y chromium` (.ci/install-compat-clients does in CI) ***\n',
  )
}

/** The figures the page shows at the top, as text. */
async function figures(page: Page): Promise<Record<string, string>> {
  const read = (id: string) => page.locator(`[data-testid="${id}"]`).innerText()
  return { produce: await read('produce-rate'), consume: await read('consume-rate'), lag: await read('lag') }
}

/** The figures read `times` times, `everyMs` apart: what the page showed over that while. */
async function watchFigures(page: Page, times: number, everyMs: number): Promise<Record<string, string>[]> {
  const seen = [await figures(page)]
  for (let i = 1; i < times; i++) {
    await page.waitForTimeout(everyMs)
    seen.push(await figures(page))
  }
  return seen
}

const distinct = (values: string[]) => new Set(values).size

async function chartPoints(page: Page, id: string): Promise<number> {
  return Number(await page.locator(`[data-testid="${id}"]`).getAttribute('data-points'))
}

/** Opens the console and fails on any script error or any request leaving the console's origin. */
async function open(browser: Browser, url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
  const problems: string[] = []
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`)
  })
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`${res.status()} for ${res.url()}`)
  })
  page.on('request', (req) => {
    if (!req.url().startsWith(url)) problems.push(`request outside the console: ${req.url()}`)
  })
  await page.goto(url)
  return { page, problems }
}

describe.skipIf(!hasChromium)('web console in Chromium', () => {
  let demo: DemoRun
  let browser: Browser
  const consoles: RunningConsole[] = []

  beforeAll(async () => {
    // the page the server serves is the one `npm run build` makes
    execFileSync(process.execPath, [join(root, 'scripts/build-console.mjs')], { stdio: 'inherit' })
    mkdirSync(artifacts, { recursive: true })
    ;[demo, browser] = await Promise.all([
      // `sluice demo` on its embedded broker, smaller: a producer of 600 orders/s, a group that
      // manages about 400 (8 at a time, 20 ms each), so the lag grows and the buffers fill
      startDemo({
        partitions: 3,
        rate: 600,
        handlerMs: 20,
        concurrency: 8,
        consumerBudgetBytes: 256 << 10,
        producerBufferBytes: 1 << 20,
        drainTimeoutSeconds: 0,
      }),
      chromium.launch({
        executablePath: CHROMIUM,
        // without the background-networking flags Chromium stalls on this machine's closed network
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      }),
    ])
  })

  afterAll(async () => {
    await browser?.close()
    await Promise.all(consoles.map((c) => c.close()))
    await demo?.stop()
  })

  it("the demo's console: shows its topic and group, moving rates and lag, and the backpressure gauges", async () => {
    const running = await startConsole({ kafka: demo.kafka, feed: demo.feed })
    consoles.push(running)
    const { page, problems } = await open(browser, running.url)

    const topic = page.locator(`[data-topic="${demo.topic}"]`)
    await topic.waitFor()
    await expect(topic.locator('summary').innerText()).resolves.toMatch(/3 partitions/)
    const group = page.locator(`[data-group="${demo.groupId}"]`)
    await group.waitFor()
    await expect(group.locator('[data-testid="group-state"]').innerText()).resolves.toBe('Stable')
    await expect(group.locator('table.members tbody tr').count()).resolves.toBe(1)
    await expect(group.locator('table.lag tbody tr').count()).resolves.toBe(3)
    await expect(page.locator('[data-testid="brokers"] tbody tr').count()).resolves.toBe(1)

    await page.locator('[data-testid="lag"]').filter({ hasNotText: '–' }).waitFor()
    const pointsBefore = await chartPoints(page, 'chart-rates')
    const seen = await watchFigures(page, 5, 800)
    expect(distinct(seen.map((f) => f.lag))).toBeGreaterThan(1)
    expect(distinct(seen.map((f) => `${f.produce} ${f.consume}`))).toBeGreaterThan(1)
    expect(await chartPoints(page, 'chart-rates')).toBeGreaterThanOrEqual(pointsBefore + 2)
    await expect(page.locator('[data-testid="chart-lag"] canvas').count()).resolves.toBe(1)
    await expect(page.locator('[data-testid="gauge-consumer"]').innerText()).resolves.toMatch(/of 256\.0 KiB/)
    await expect(page.locator('[data-testid="gauge-producer"]').innerText()).resolves.toMatch(/of 1\.0 MiB/)
    await expect(page.locator('[data-testid="paused"]').innerText()).resolves.toMatch(/^\d+ of 3$/)

    await page.screenshot({ path: join(artifacts, 'console-demo.png'), fullPage: true })
    expect(problems).toEqual([])
    await page.close()
  })

  it('polling the cluster (`sluice console`): shows the same topic and group, and the lag moves', async () => {
    const running = await startConsole({ kafka: demo.kafka, pollIntervalMs: 1000 })
    consoles.push(running)
    const { page, problems } = await open(browser, running.url)

    await page.locator(`[data-group="${demo.groupId}"]`).waitFor()
    await page.locator(`[data-topic="${demo.topic}"]`).waitFor()
    await page.locator('[data-testid="no-gauges"]').waitFor()
    await page.locator('[data-testid="updated"]').filter({ hasText: 'polled from the cluster' }).waitFor()
    const seen = await watchFigures(page, 4, 900)
    expect(distinct(seen.map((f) => f.lag))).toBeGreaterThan(1)
    for (const f of seen) expect(f.produce).toMatch(/^[\d,]+\/s$/)
    await page.screenshot({ path: join(artifacts, 'console-cluster.png'), fullPage: true })
    expect(problems).toEqual([])
    await page.close()
  })
})
