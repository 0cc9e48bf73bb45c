import { get, type IncomingMessage } from 'node:http'

export interface ServerEvent {
  readonly event: string
  readonly data: unknown
}

/** A Server-Sent Events reader for tests: the events as they come, parsed, and how to stop. */
export class SseClient {
  readonly events: ServerEvent[] = []
  status = 0
  ended = false
  private response: IncomingMessage | undefined
  private readonly waiters = new Set<() => void>()

  private constructor() {}

  static connect(url: string): Promise<SseClient> {
    const client = new SseClient()
    return new Promise((resolve, reject) => {
      const req = get(url, (res) => {
        client.response = res
        client.status = res.statusCode ?? 0
        let buffered = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          buffered += chunk
          let end = buffered.indexOf('\n\n')
          while (end >= 0) {
            client.take(buffered.slice(0, end))
            buffered = buffered.slice(end + 2)
            end = buffered.indexOf('\n\n')
          }
        })
        res.on('close', () => {
          client.ended = true
          client.wake()
        })
        resolve(client)
      })
      req.on('error', reject)
    })
  }

  /** Waits until an event matches, at most `timeoutMs`. */
  async waitFor(match: (e: ServerEvent) => boolean, timeoutMs = 5000): Promise<ServerEvent> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.events.find(match)
      if (found) return found
      if (this.ended)
        throw new Error(`the stream ended before the event came; got ${JSON.stringify(this.events)}`)
      const left = deadline - Date.now()
      if (left <= 0)
        throw new Error(`no such event in ${timeoutMs} ms; got ${this.events.map((e) => e.event)}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left)
        function done() {
          clearTimeout(timer)
          resolve()
        }
        this.waiters.add(done)
      })
    }
  }

  async waitForEnd(timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('the stream did not end')
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  close(): void {
    this.response?.destroy()
  }

  private take(block: string): void {
    let event = 'message'
    const data: string[] = []
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7)
      else if (line.startsWith('data: ')) data.push(line.slice(6))
    }
    if (data.length === 0) return
    this.events.push({ event, data: JSON.parse(data.join('\n')) })
    this.wake()
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter()
    this.waiters.clear()
  }
}
