/**
 * Run by console-server.test.ts in a process of its own:
 *   node --import tsx console-close-child.ts BOOTSTRAP
 * Starts two consoles on the test's broker (one polling, one fed), watches
 * both streams, closes the consoles and prints "closed". The broker runs on
 * in the test's process: if a console left a timer, a socket (its admin
 * client's included) or a listener behind, this process would not exit by
 * itself; the test waits for it to.
 */
import { startConsole } from '../../../../src/cli/console/server.js'
import { LiveFeed } from '../../../../src/cli/live/live-snapshot.js'
import { Kafka } from '../../../../src/client/index.js'
import { SseClient } from './sse-client.js'

const kafka = new Kafka({ brokers: process.argv[2], logger: 'silent' })
const feed = new LiveFeed()
const polling = await startConsole({ kafka, pollIntervalMs: 100 })
const fed = await startConsole({ kafka, feed })
const pages = await Promise.all([
  SseClient.connect(`${polling.url}api/events`),
  SseClient.connect(`${fed.url}api/events`),
])
await pages[0].waitFor((e) => e.event === 'sample')
await fetch(`${polling.url}api/topics`)
await Promise.all([polling.close(), fed.close()])
await Promise.all(pages.map((p) => p.waitForEnd()))
let refused = false
await fetch(polling.url).catch(() => {
  refused = true
})
process.stdout.write(`closed ${JSON.stringify({ refused })}\n`)
