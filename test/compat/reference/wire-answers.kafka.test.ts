import { afterAll, beforeAll, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../../src/broker/index.js'
import { decodeResponse, encodeRequest } from '../../../src/protocol/frames.js'
import { Apis } from '../../../src/protocol/messages/index.js'
import { encodeRecordBatch } from '../../../src/protocol/records/index.js'
import { WireClient } from '../../broker/support/wire-client.js'
import { describeWithKafka } from '../../kafka/describe-with-kafka.js'
import { type RunningKafka, startKafka } from '../../kafka/start-kafka.js'
import { rawExchange, withTrailingBytes } from './raw-exchange.js'
import { PARTITIONS, RECORDS, served, TOPIC, WIRE_CASES, warmUpCoordinators } from './wire-cases.js'

/**
 * The same requests to the embedded broker and to Apache Kafka 4.1, answers
 * compared: they must match, except where README's "Known differences from
 * Apache Kafka" says why not (KNOWN below, both answers pinned down so a
 * change on either side shows).
 */

/** Answers that differ on purpose: what each side says, and the README row that explains it. */
const KNOWN: Record<string, { embedded: unknown; kafka: unknown }> = {
  // README: transactions are not implemented; clients fail at once instead of retrying
  'InitProducerId v4 with a transactional id': { embedded: { errorCode: 53 }, kafka: { errorCode: 0 } },
  // README: the embedded broker bumps the epoch of the id it is shown; Kafka hands out a new id
  'InitProducerId v4 presenting the id and epoch just handed out (KIP-360)': {
    embedded: { errorCode: 0, sameId: true, epoch: 1 },
    kafka: { errorCode: 0, sameId: false, epoch: 0 },
  },
}

let embedded: RunningBroker
let kafka: RunningKafka
let serial = 0

async function answer(bootstrap: string, ask: (c: WireClient, unique: string) => Promise<unknown>) {
  const client = await WireClient.connect(bootstrap)
  const unique = `${process.pid}-${serial++}`
  try {
    return await ask(client, unique)
  } catch (err) {
    return { failed: (err as Error).message }
  } finally {
    await client.close()
  }
}

async function prepare(bootstrap: string, transactions: boolean): Promise<void> {
  const client = await WireClient.connect(bootstrap)
  try {
    const created = await client.send(Apis.CreateTopics, 7, {
      topics: [
        { name: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1, assignments: [], configs: [] },
      ],
      timeoutMs: 10_000,
      validateOnly: false,
    })
    expect(created.topics[0].errorCode).toBe(0)
    // fixed timestamps, so lookups by time find the same records on both brokers
    const records = encodeRecordBatch(
      Array.from({ length: RECORDS }, (_, i) => ({
        value: Buffer.from(`r${i}`),
        timestamp: 1_700_000_000_000 + i,
      })),
    )
    await served(client, TOPIC)
    for (let attempt = 0; ; attempt++) {
      const r = await client.send(Apis.Produce, 9, {
        acks: -1,
        timeoutMs: 5000,
        topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }],
      })
      const code = r.responses[0].partitionResponses[0].errorCode
      if (code === 0) break
      if (attempt > 50) throw new Error(`producing to ${TOPIC}: error ${code}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await warmUpCoordinators(client, transactions)
  } finally {
    await client.close()
  }
}

function compare(name: string, fromEmbedded: unknown, fromKafka: unknown): void {
  const known = KNOWN[name]
  if (known) {
    expect(fromKafka, 'Kafka, as README says').toEqual(known.kafka)
    expect(fromEmbedded, 'embedded broker, as README says').toEqual(known.embedded)
    return
  }
  const both = `\nembedded: ${JSON.stringify(fromEmbedded, big)}\nkafka:    ${JSON.stringify(fromKafka, big)}`
  expect(JSON.stringify(fromEmbedded, big), `the embedded broker answers like Kafka${both}`).toBe(
    JSON.stringify(fromKafka, big),
  )
}

function big(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value
}

describeWithKafka('wire answers, embedded broker against Apache Kafka', () => {
  beforeAll(async () => {
    ;[embedded, kafka] = await Promise.all([
      startBroker({ port: 0, logger: 'silent', groupInitialRebalanceDelayMs: 0 }),
      startKafka({ groupInitialRebalanceDelayMs: 0 }),
    ])
    await Promise.all([prepare(embedded.bootstrap, false), prepare(kafka.bootstrap, true)])
  }, 180_000)
  afterAll(async () => {
    await Promise.all([embedded?.close(), kafka?.close()])
  })

  for (const c of WIRE_CASES) {
    it(c.name, async () => {
      const [e, k] = await Promise.all([answer(embedded.bootstrap, c.ask), answer(kafka.bootstrap, c.ask)])
      compare(c.name, e, k)
    })
  }

  it('Metadata v9 with 3 bytes after the body (librdkafka 2.1.0 sends this)', async () => {
    const request = encodeRequest(
      Apis.Metadata,
      9,
      { correlationId: 7, clientId: 'x' },
      {
        topics: null,
        allowAutoTopicCreation: true,
        includeTopicAuthorizedOperations: false,
      },
    )
    const then = encodeRequest(
      Apis.Metadata,
      9,
      { correlationId: 8, clientId: 'x' },
      { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false },
    )
    const bytes = Buffer.concat([withTrailingBytes(request, Buffer.from([0, 0, 0])), then])
    const reduce = ({ frames, closed }: { frames: Buffer[]; closed: boolean }) => ({
      answered: frames.map((f) => decodeResponse(Apis.Metadata, 9, f).correlationId),
      closed,
    })
    const [e, k] = await Promise.all([
      rawExchange(embedded.bootstrap, bytes),
      rawExchange(kafka.bootstrap, bytes),
    ])
    compare('Metadata v9 with 3 bytes after the body (librdkafka 2.1.0 sends this)', reduce(e), reduce(k))
  })

  it('ApiVersions v127 (newer than any broker speaks): answered in v0 with UNSUPPORTED_VERSION', async () => {
    const request = encodeRequest(
      Apis.ApiVersions,
      3,
      { correlationId: 9, clientId: 'x' },
      {
        clientSoftwareName: 'x',
        clientSoftwareVersion: '1',
      },
    )
    request.writeInt16BE(127, 6)
    const reduce = ({ frames, closed }: { frames: Buffer[]; closed: boolean }) => {
      const r = frames[0] ? decodeResponse(Apis.ApiVersions, 0, frames[0]) : undefined
      return {
        correlationId: r?.correlationId,
        errorCode: r?.body.errorCode,
        listsApiVersions: r?.body.apiKeys.some((a) => a.apiKey === 18),
        closed,
      }
    }
    const [e, k] = await Promise.all([
      rawExchange(embedded.bootstrap, request),
      rawExchange(kafka.bootstrap, request),
    ])
    compare('ApiVersions v127', reduce(e), reduce(k))
  })

  it('Metadata v99: the connection is closed without an answer', async () => {
    const request = encodeRequest(
      Apis.Metadata,
      9,
      { correlationId: 10, clientId: 'x' },
      { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false },
    )
    request.writeInt16BE(99, 6)
    const reduce = ({ frames, closed }: { frames: Buffer[]; closed: boolean }) => ({
      answers: frames.length,
      closed,
    })
    const [e, k] = await Promise.all([
      rawExchange(embedded.bootstrap, request),
      rawExchange(kafka.bootstrap, request),
    ])
    compare('Metadata v99', reduce(e), reduce(k))
  })
})
