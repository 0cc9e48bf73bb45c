import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * Toxiproxy (Shopify's TCP fault proxy, Go, built by .ci/install-toxiproxy)
 * driven over its HTTP API on 127.0.0.1: a real proxy between the clients
 * and the broker, so latency, resets, throttling and a blackhole happen on
 * real sockets and none of it is Sluice code. One server per scenario run,
 * killed by `close()` (and by the runner's exit, if a scenario throws past it).
 */

const VERSION = 'v2.12.0'
export const TOXIPROXY_SERVER =
  process.env.TOXIPROXY_SERVER ??
  join(homedir(), '.cache', 'sluice-ci', `toxiproxy-${VERSION}`, 'toxiproxy-server')

const live = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL')
})

export type Stream = 'upstream' | 'downstream'

export interface Toxic {
  readonly name: string
  /** latency, bandwidth, reset_peer, timeout, slow_close, slicer, limit_data. */
  readonly type: string
  /** upstream: client to server; downstream: server to client. */
  readonly stream: Stream
  readonly attributes: Readonly<Record<string, number>>
}

export class Toxiproxy {
  private constructor(
    private readonly child: ChildProcess,
    private readonly api: string,
    private readonly stderrTail: () => string,
  ) {}

  static async start(): Promise<Toxiproxy> {
    if (!existsSync(TOXIPROXY_SERVER)) {
      throw new Error(
        `no Toxiproxy server at ${TOXIPROXY_SERVER}: run bash .ci/install-toxiproxy (or set TOXIPROXY_SERVER)`,
      )
    }
    const port = await freePort()
    // warn: it logs every connection at info, thousands under periodic resets
    const child = spawn(TOXIPROXY_SERVER, ['-host', '127.0.0.1', '-port', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'warn' },
    })
    live.add(child)
    child.once('exit', () => live.delete(child))
    let stderr = ''
    child.stderr!.setEncoding('utf8')
    child.stderr!.on('data', (chunk: string) => {
      stderr = `${stderr}${chunk}`.slice(-4000)
    })
    const proxy = new Toxiproxy(child, `http://127.0.0.1:${port}`, () => stderr)
    await proxy.waitReady()
    return proxy
  }

  get pid(): number {
    return this.child.pid!
  }

  /** A proxy listening on a free 127.0.0.1 port; `upstream` may be set later (a broker that must advertise this port). */
  async createLink(name: string, upstream = '127.0.0.1:9'): Promise<FaultyLink> {
    const created = (await this.call('POST', '/proxies', {
      name,
      listen: '127.0.0.1:0',
      upstream,
      enabled: true,
    })) as {
      listen: string
    }
    const port = Number(created.listen.slice(created.listen.lastIndexOf(':') + 1))
    return new FaultyLink(name, port, (method, path, body) =>
      this.call(method, `/proxies/${name}${path}`, body),
    )
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    const exited = new Promise((resolve) => this.child.once('exit', resolve))
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000)
    await exited
    clearTimeout(timer)
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 10_000
    for (;;) {
      try {
        await this.call('GET', '/version')
        return
      } catch (error) {
        if (this.child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`Toxiproxy did not start: ${(error as Error).message}\n${this.stderrTail()}`)
        }
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.api}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`Toxiproxy ${method} ${path}: ${response.status} ${text}`)
    return text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text
  }
}

type Call = (method: string, path: string, body?: unknown) => Promise<unknown>

/** One proxied link (client side port → upstream) and the toxics on it now. */
export class FaultyLink {
  constructor(
    readonly name: string,
    /** The port clients connect to. */
    readonly port: number,
    private readonly call: Call,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`
  }

  async setUpstream(upstream: string): Promise<void> {
    await this.call('POST', '', { upstream })
  }

  async add(toxic: Toxic): Promise<void> {
    await this.call('POST', '/toxics', { ...toxic, toxicity: 1 })
  }

  async remove(name: string): Promise<void> {
    await this.call('DELETE', `/toxics/${name}`)
  }

  /** Removes every toxic: the link is clean again. */
  async clear(): Promise<void> {
    const toxics = (await this.call('GET', '/toxics')) as { name: string }[]
    for (const t of toxics) await this.remove(t.name)
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
