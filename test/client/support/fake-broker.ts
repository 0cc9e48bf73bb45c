import { createServer, type Server, type Socket } from 'node:net'
import type { ApiDefinition } from '../../../src/protocol/api.js'
import { FrameSplitter } from '../../../src/protocol/frame-splitter.js'
import { decodeRequest, encodeResponse, readRequestPrefix } from '../../../src/protocol/frames.js'
import { Apis } from '../../../src/protocol/messages/index.js'

/**
 * A server on 127.0.0.1 that speaks just enough Kafka to be bootstrapped
 * from (ApiVersions, Metadata naming itself) and answers every other
 * request with whatever the test's `reply` returns: a well-formed answer,
 * bytes of any shape, or nothing (then it hangs up).
 */
export interface FakeBroker {
  readonly port: number
  readonly bootstrap: string
  /** Connections accepted so far. */
  readonly accepted: number
  /** Connections still open. */
  readonly open: number
  close(): Promise<void>
}

export type Reply = (request: { apiKey: number; apiVersion: number; correlationId: number }) => Buffer | null

export interface FakeBrokerOptions {
  /**
   * The topics a Metadata answer lists, given the names asked for (none at
   * bootstrap); by default none. Partitions need only the fields the test
   * cares about: the rest take their schema defaults.
   */
  topics?: (requested: readonly string[]) => readonly object[]
  /** The APIs its ApiVersions answer lists; by default those it serves. */
  apis?: readonly ApiDefinition[]
}

const SERVED = [Apis.ApiVersions, Apis.Metadata, Apis.DescribeCluster, Apis.ListGroups]

export async function startFakeBroker(reply: Reply, options: FakeBrokerOptions = {}): Promise<FakeBroker> {
  const sockets = new Set<Socket>()
  let accepted = 0
  let port = 0
  const server: Server = createServer((socket) => {
    accepted++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    const splitter = new FrameSplitter(1 << 20)
    socket.on('data', (chunk) => {
      for (const frame of splitter.push(chunk)) {
        const prefix = readRequestPrefix(frame)
        const { apiKey, apiVersion, correlationId } = prefix
        if (apiKey === Apis.ApiVersions.key) {
          const apiKeys = (options.apis ?? SERVED).map((api) => {
            const [min, max] = api.request.validVersions.split('-').map(Number)
            return { apiKey: api.key, minVersion: min, maxVersion: max }
          })
          socket.write(encodeResponse(Apis.ApiVersions, apiVersion, correlationId, { apiKeys }))
        } else if (apiKey === Apis.Metadata.key) {
          const { body } = decodeRequest(Apis.Metadata, frame)
          const requested = (body.topics ?? []).flatMap((t) => (t.name === null ? [] : [t.name]))
          socket.write(
            encodeResponse(Apis.Metadata, apiVersion, correlationId, {
              brokers: [{ nodeId: 1, host: '127.0.0.1', port, rack: null }],
              clusterId: 'fake',
              controllerId: 1,
              topics: (options.topics?.(requested) ?? []) as never,
            }),
          )
        } else {
          const bytes = reply(prefix)
          if (bytes === null) socket.destroy()
          else socket.write(bytes)
        }
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as { port: number }).port
  return {
    port,
    bootstrap: `127.0.0.1:${port}`,
    get accepted() {
      return accepted
    },
    get open() {
      return sockets.size
    },
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
