import { connect } from 'node:net'
import { decodeResponse, encodeRequest } from '../../src/protocol/frames.js'
import { Apis } from '../../src/protocol/messages/index.js'
import type { MessageOf } from '../../src/protocol/schema.js'

/**
 * One Metadata request on a fresh socket, with Sluice's own protocol layer:
 * how the rig learns that a Kafka node is up and which brokers the cluster
 * has registered (KRaft lists only unfenced brokers). A JVM can be listening
 * well before it has joined the quorum, so "the port accepts" proves nothing.
 */

export type MetadataAnswer = MessageOf<(typeof Apis.Metadata)['response']>

/** v12: the newest both Kafka 4.x and Sluice's schema speak. */
const METADATA_VERSION = 12
const MAX_RESPONSE_BYTES = 16 << 20

export function requestMetadata(
  host: string,
  port: number,
  { timeoutMs = 3_000, topics = [] as string[] | null } = {},
): Promise<MetadataAnswer> {
  const request = encodeRequest(
    Apis.Metadata,
    METADATA_VERSION,
    { correlationId: 1, clientId: 'sluice-kafka-rig' },
    {
      topics: topics === null ? null : topics.map((name) => ({ name })),
      allowAutoTopicCreation: false,
    },
  )
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port })
    let received = Buffer.alloc(0)
    const fail = (err: Error) => {
      socket.destroy()
      reject(err)
    }
    socket.setTimeout(timeoutMs, () =>
      fail(new Error(`no Metadata answer from ${host}:${port} in ${timeoutMs} ms`)),
    )
    socket.on('error', fail)
    socket.on('close', () => reject(new Error(`${host}:${port} closed the connection before answering`)))
    socket.on('connect', () => socket.write(request))
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      if (received.length < 4) return
      const size = received.readInt32BE(0)
      if (size < 0 || size > MAX_RESPONSE_BYTES) return fail(new Error(`Metadata answer of ${size} bytes`))
      if (received.length < 4 + size) return
      try {
        resolve(decodeResponse(Apis.Metadata, METADATA_VERSION, received.subarray(4, 4 + size)).body)
      } catch (err) {
        reject(err as Error)
      } finally {
        socket.destroy()
      }
    })
  })
}
