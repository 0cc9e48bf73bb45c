import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { register as defaultRegistry, type Registry } from 'prom-client'

export interface ServeMetricsOptions {
  /** Default prom-client's global registry. */
  registry?: Registry
  /** 0 picks a free one (`url` says which). */
  port: number
  /** Default 127.0.0.1: only this machine may scrape unless you say otherwise (e.g. 0.0.0.0). */
  host?: string
  /** Default /metrics. */
  path?: string
}

export interface MetricsServer {
  /** `http://host:port/metrics`. */
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

/**
 * Serves a registry in the Prometheus text format on `GET <path>` with a
 * small node:http server; resolves once it listens, rejects if it cannot
 * (a port in use, say).
 */
export async function serveMetrics(options: ServeMetricsOptions): Promise<MetricsServer> {
  const { port, host = '127.0.0.1', path = '/metrics' } = options
  const registry = options.registry ?? defaultRegistry
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`port: must be an integer from 0 to 65535, got ${port}`)
  }
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new TypeError(`path: must start with /, got ${String(path)}`)
  }
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://metrics')
    if (url.pathname !== path) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: metrics are at ${path}\n`)
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('use GET\n')
      return
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType })
        res.end(req.method === 'HEAD' ? undefined : text)
      },
      (err: Error) => {
        res
          .writeHead(500, { 'content-type': 'text/plain' })
          .end(`collecting metrics failed: ${err.message}\n`)
      },
    )
  })
  // a scraper's idle keep-alive connection must not hold close() up
  server.keepAliveTimeout = 5_000
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      const bound = (server.address() as AddressInfo).port
      const shown = host.includes(':') ? `[${host}]` : host
      resolve({
        url: `http://${shown}:${bound}${path}`,
        port: bound,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()))
            server.closeIdleConnections()
          }),
      })
    })
  })
}
