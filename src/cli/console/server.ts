import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Kafka } from '../../client/kafka.js'
import type { LiveFeed } from '../live/live-snapshot.js'
import { ClusterSampler } from './cluster-sampler.js'
import { readCluster, readGroups, readTopics } from './cluster-view.js'
import { EventStream } from './event-stream.js'
import { FeedSource, type LiveSource, PollingSource } from './live-source.js'
import { SharedAnswer } from './shared-answer.js'
import { type Asset, loadAssets } from './static-assets.js'

export interface ConsoleOptions {
  /** Where the console reads brokers, topics, groups and lag (an admin client of its own). */
  kafka: Kafka
  /** The demo's measurements; without one the console polls the cluster for its live figures. */
  feed?: LiveFeed
  /** Default 127.0.0.1: the console has no login, so it listens on this machine only unless told. */
  host?: string
  /** Default 0 (a free port; `url` says which). */
  port?: number
  /** How often the cluster is polled for live figures when there is no feed. Default 1500 ms. */
  pollIntervalMs?: number
  /** Pages that may watch the live stream at once. Default 32. */
  maxClients?: number
}

export interface RunningConsole {
  /** `http://host:port/`. */
  readonly url: string
  /** Ends every event stream, stops polling, closes the server and the admin client. */
  close(): Promise<void>
}

/** Live points kept for a page that opens late: five minutes at one a second, the LiveFeed's own default. */
const HISTORY = 300
/** A page this far behind on the event stream (a stalled tab) is cut off; it reconnects by itself. */
const MAX_UNSENT_BYTES = 1 << 20
/** API answers are shared between requests this close together. */
const ANSWER_MAX_AGE_MS = 1000

const SECURITY_HEADERS = {
  // everything the page needs comes from this server: no CDN, no fonts, no other origin
  'content-security-policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'",
  'x-content-type-options': 'nosniff',
}

function checkOptions(options: ConsoleOptions): void {
  if (!options || typeof options.kafka?.admin !== 'function')
    throw new TypeError('startConsole: kafka must be a Kafka instance')
  const { port, pollIntervalMs, maxClients } = options
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
    throw new RangeError(`startConsole: port must be an integer from 0 to 65535, got ${port}`)
  if (pollIntervalMs !== undefined && (!Number.isFinite(pollIntervalMs) || pollIntervalMs < 100))
    throw new RangeError(`startConsole: pollIntervalMs must be at least 100, got ${pollIntervalMs}`)
  if (maxClients !== undefined && (!Number.isInteger(maxClients) || maxClients < 1))
    throw new RangeError(`startConsole: maxClients must be a positive integer, got ${maxClients}`)
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
  res.end(JSON.stringify(body))
}

function sendAsset(res: ServerResponse, asset: Asset): void {
  res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-cache', ...SECURITY_HEADERS })
  res.end(asset.body)
}

function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/`
}

/**
 * The web console: serves the page built by `npm run build`, a JSON API of
 * the cluster (GET /api/cluster, /api/topics, /api/groups) and a stream of
 * live figures (GET /api/events, Server-Sent Events: `history` once, then
 * `sample` about once a second, `problem` when a reading fails).
 */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  checkOptions(options)
  const { kafka, feed, host = '127.0.0.1', port = 0 } = options
  const assets = loadAssets()
  const admin = kafka.admin()
  const answers = {
    '/api/cluster': new SharedAnswer(() => readCluster(admin), ANSWER_MAX_AGE_MS),
    '/api/topics': new SharedAnswer(() => readTopics(admin), ANSWER_MAX_AGE_MS),
    '/api/groups': new SharedAnswer(() => readGroups(admin), ANSWER_MAX_AGE_MS),
  }
  // the stream below is made after the source, which only calls it once a page watches
  const broadcast = (event: string, data: unknown) => events.broadcast(event, data)
  const source: LiveSource = feed
    ? new FeedSource(feed, (sample) => broadcast('sample', sample))
    : new PollingSource(new ClusterSampler(admin), {
        intervalMs: options.pollIntervalMs ?? 1500,
        keep: HISTORY,
        onSample: (sample) => broadcast('sample', sample),
        onProblem: (error) => broadcast('problem', { error }),
      })
  const events = new EventStream({
    maxClients: options.maxClients ?? 32,
    maxUnsentBytes: MAX_UNSENT_BYTES,
    onWatched: (watched) => (watched ? source.start() : void source.stop()),
  })

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://console').pathname
    const asset = assets.files.get(path === '/' ? 'index.html' : path.slice(1))
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD')
      sendJson(res, 405, { error: `${req.method} is not served here` })
    } else if (path === '/api/events' && req.method === 'GET') {
      events.accept(req, res, { event: 'history', data: source.history() })
    } else if (Object.hasOwn(answers, path)) {
      answers[path as keyof typeof answers].get().then(
        (body) => sendJson(res, 200, body),
        (err: unknown) => sendJson(res, 502, { error: (err as Error).message }),
      )
    } else if (path.startsWith('/api/')) {
      sendJson(res, 404, { error: `no such API: ${path}` })
    } else if (asset) {
      sendAsset(res, asset)
    } else if (assets.dir === null) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('The console page is not built: run `npm run build` (it writes dist/console-assets/).\n')
    } else {
      sendJson(res, 404, { error: `not found: ${path}` })
    }
  }

  const server = createServer(handle)
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (err) {
    await admin.close()
    throw err
  }
  const address = server.address() as AddressInfo

  let closing: Promise<void> | undefined
  return {
    url: urlOf(host, address.port),
    close() {
      closing ??= (async () => {
        events.close()
        await source.stop()
        const closed = new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeAllConnections()
        await closed
        await admin.close()
      })()
      return closing
    },
  }
}
