import type { IncomingMessage, ServerResponse } from 'node:http'

export interface EventStreamOptions {
  /** More connections than this are turned away with 503. */
  readonly maxClients: number
  /** A client that has this many bytes unread is cut off rather than buffered for without end. */
  readonly maxUnsentBytes: number
  /** Called when the first client connects and when the last one leaves: the live source runs only while watched. */
  readonly onWatched: (watched: boolean) => void
}

/** The console's server push: Server-Sent Events to every page open, with a bound on clients and on what each may fall behind. */
export class EventStream {
  private readonly clients = new Set<ServerResponse>()

  constructor(private readonly options: EventStreamOptions) {}

  get size(): number {
    return this.clients.size
  }

  /** Takes a GET on the events URL: sends `first` (the history), then every broadcast until the page goes. */
  accept(req: IncomingMessage, res: ServerResponse, first: { event: string; data: unknown }): void {
    if (this.clients.size >= this.options.maxClients) {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '10' })
      res.end(JSON.stringify({ error: `at most ${this.options.maxClients} pages may watch at once` }))
      return
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    })
    // the browser reconnects by itself after this many ms when the stream drops
    res.write('retry: 2000\n\n')
    res.write(frame(first.event, first.data))
    this.clients.add(res)
    if (this.clients.size === 1) this.options.onWatched(true)
    req.on('close', () => this.drop(res))
  }

  broadcast(event: string, data: unknown): void {
    const text = frame(event, data)
    for (const res of this.clients) {
      if (res.writableLength > this.options.maxUnsentBytes) {
        res.destroy()
        this.drop(res)
        continue
      }
      res.write(text)
    }
  }

  /** Ends every stream (the pages reconnect to whatever serves next). */
  close(): void {
    for (const res of this.clients) res.end()
    const watched = this.clients.size > 0
    this.clients.clear()
    if (watched) this.options.onWatched(false)
  }

  private drop(res: ServerResponse): void {
    if (!this.clients.delete(res)) return
    if (this.clients.size === 0) this.options.onWatched(false)
  }
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
}
