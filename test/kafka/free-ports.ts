import { createServer, type Server } from 'node:net'

/**
 * `count` distinct TCP ports that are free on `host` right now. Kafka needs
 * its ports written into its config before it starts (it cannot report a
 * port the OS picked), so each is found by binding port 0 and releasing it.
 * All are held open together until every one is known, so the OS cannot hand
 * out the same port twice; another process could still take one in the short
 * gap before the JVM binds it, which the startup error would then show.
 */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers: Server[] = []
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer()
      servers.push(server)
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(0, host, () => resolve())
      })
    }
    return servers.map((s) => {
      const address = s.address()
      if (address === null || typeof address === 'string') throw new Error('listener has no TCP port')
      return address.port
    })
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
  }
}
