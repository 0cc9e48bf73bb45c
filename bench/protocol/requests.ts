import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../src/protocol/frames.js'
import { Apis } from '../../src/protocol/messages/index.js'
import {
  decodeRecordBatch,
  encodeRecordBatch,
  forEachBatch,
  type RecordBatch,
} from '../../src/protocol/records/index.js'
import {
  type BenchCase,
  groupedRows,
  RATIO_NOTE,
  ratioCell,
  runComparison,
  spreadCell,
} from '../support/comparison.js'
import type { MeasureOptions } from '../support/measure.js'
import { formatDuration, formatInteger, formatSi, type Table } from '../support/table.js'
import type { Kafkajs, Platformatic } from './third-party.js'
import { check, checkRecords, fromKafkajs, fromPlatformatic, fromSluice } from './verify.js'
import { TOPIC, type Workload } from './workload.js'

/**
 * Area 3: whole requests and responses around one 1 MiB batch: a Produce
 * request as a client sends it and a Fetch response as a client reads it.
 *
 * Sluice speaks Produce up to v9 and Fetch up to v12 (the first flexible
 * versions). kafkajs stops at Produce v7 and Fetch v11, so it is compared at
 * those versions; @platformatic/kafka has v9 and v12 and is compared there.
 * The two libraries are clients only, so they cannot encode a Fetch response
 * or decode a Produce request: those rows (the broker's side) are Sluice's own.
 */

const CLIENT_ID = 'bench-client'
const CORRELATION_ID = 42
const ACKS_ALL = -1
const TIMEOUT_MS = 30_000
/** Fetched data sits at a realistic offset, so offset arithmetic is exercised. */
const FETCH_BASE_OFFSET = 1_000_000

/** Size prefix, correlation id, and (flexible versions) the empty tagged-field count. */
const RESPONSE_HEADER_V0_BYTES = 8
const RESPONSE_HEADER_V1_BYTES = 9

function produceBody(records: Buffer) {
  return {
    transactionalId: null,
    acks: ACKS_ALL,
    timeoutMs: TIMEOUT_MS,
    topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }],
  }
}

function fetchBody(records: Buffer, count: number) {
  const end = BigInt(FETCH_BASE_OFFSET + count)
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: TOPIC,
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 0,
            highWatermark: end,
            lastStableOffset: end,
            logStartOffset: 0n,
            abortedTransactions: null,
            preferredReadReplica: -1,
            records,
          },
        ],
      },
    ],
  }
}

/** What a Sluice consumer does with a Fetch response: decode it, then every batch in it. */
function sluiceFetchRecords(version: number, frame: Buffer): RecordBatch[] {
  const { body } = decodeResponse(Apis.Fetch, version, frame.subarray(4))
  const batches: RecordBatch[] = []
  for (const topic of body.responses) {
    for (const partition of topic.partitions) {
      const records = partition.records
      if (records !== null)
        forEachBatch(records, (span) => batches.push(decodeRecordBatch(records, span.offset)))
    }
  }
  return batches
}

export async function benchRequests(
  workload: Workload,
  kafkajs: Kafkajs,
  platformatic: Platformatic,
  options: MeasureOptions,
): Promise<Table> {
  const kafkajsName = `kafkajs ${kafkajs.version}`
  const platformaticName = `@platformatic/kafka ${platformatic.version}`
  const header = { correlationId: CORRELATION_ID, clientId: CLIENT_ID }

  const produceBatch = encodeRecordBatch(workload.sluice)
  const fetchBatch = encodeRecordBatch(workload.sluice, { baseOffset: BigInt(FETCH_BASE_OFFSET) })

  const sluiceProduceFromRecords = (version: number) =>
    encodeRequest(Apis.Produce, version, header, produceBody(encodeRecordBatch(workload.sluice)))
  const sluiceProduceFromBatch = (version: number) =>
    encodeRequest(Apis.Produce, version, header, produceBody(produceBatch))
  const kafkajsProduce = async () => {
    const request = kafkajs.produceRequestV7({
      acks: ACKS_ALL,
      timeout: TIMEOUT_MS,
      compression: kafkajs.compressionTypes.None,
      topicData: [{ topic: TOPIC, partitions: [{ partition: 0, messages: workload.kafkajs }] }],
    })
    const frame = await kafkajs.frameRequest({ correlationId: CORRELATION_ID, clientId: CLIENT_ID, request })
    return frame.buffer
  }
  // as its connection frames a request: header v2 (flexible), body, size prefix
  const platformaticProduceV9 = () =>
    platformatic
      .createWriter()
      .appendInt16(Apis.Produce.key)
      .appendInt16(9)
      .appendInt32(CORRELATION_ID)
      .appendString(CLIENT_ID, false)
      .appendTaggedFields()
      .appendFrom(
        platformatic.produceRequestV9(ACKS_ALL, TIMEOUT_MS, workload.platformatic, { compression: 'none' }),
      )
      .prependLength().buffer

  const frameBody = (frame: Buffer) => frame.subarray(4)
  const produceFrames = { 7: frameBody(sluiceProduceFromBatch(7)), 9: frameBody(sluiceProduceFromBatch(9)) }
  const fetchFrames = {
    11: encodeResponse(Apis.Fetch, 11, CORRELATION_ID, fetchBody(fetchBatch, workload.count)),
    12: encodeResponse(Apis.Fetch, 12, CORRELATION_ID, fetchBody(fetchBatch, workload.count)),
  }
  const kafkajsFetch = async (frame: Buffer) => {
    const response = kafkajs.fetchResponseV11
    return response.parse(await response.decode(frame.subarray(RESPONSE_HEADER_V0_BYTES)))
  }
  const platformaticFetch = (frame: Buffer) =>
    platformatic.fetchResponseV12(
      CORRELATION_ID,
      Apis.Fetch.key,
      12,
      platformatic.readerFrom(frame.subarray(RESPONSE_HEADER_V1_BYTES)),
    )

  // --- verification: every produced frame is a valid request carrying the
  // workload, and every decoder reads the workload out of Sluice's responses
  const produceExpected = workload.expected(0)
  const checkProduceFrame = (what: string, frame: Buffer, version: number) => {
    check(frame.readInt32BE(0) === frame.length - 4, `${what}: size prefix ${frame.readInt32BE(0)}`)
    const { header: h, body } = decodeRequest(Apis.Produce, frame.subarray(4))
    check(h.requestApiVersion === version, `${what}: version ${h.requestApiVersion}, expected ${version}`)
    check(
      h.correlationId === CORRELATION_ID && h.clientId === CLIENT_ID,
      `${what}: header ${JSON.stringify(h)}`,
    )
    check(body.acks === ACKS_ALL && body.timeoutMs === TIMEOUT_MS, `${what}: acks/timeout`)
    const partition = body.topicData[0]?.partitionData[0]
    check(body.topicData.length === 1 && body.topicData[0].name === TOPIC, `${what}: topic data`)
    check(partition?.records != null, `${what}: no records`)
    checkRecords(what, fromSluice(decodeRecordBatch(partition.records as Buffer).records), produceExpected)
  }
  for (const version of [7, 9]) {
    checkProduceFrame(`Sluice Produce v${version} from records`, sluiceProduceFromRecords(version), version)
    checkProduceFrame(`Sluice Produce v${version} from a batch`, sluiceProduceFromBatch(version), version)
  }
  checkProduceFrame(`${kafkajsName} Produce v7`, await kafkajsProduce(), 7)
  checkProduceFrame(`${platformaticName} Produce v9`, platformaticProduceV9(), 9)

  const fetchExpected = workload.expected(FETCH_BASE_OFFSET)
  for (const version of [11, 12] as const) {
    const batches = sluiceFetchRecords(version, fetchFrames[version])
    check(batches.length === 1, `Sluice Fetch v${version}: ${batches.length} batches`)
    checkRecords(`Sluice Fetch v${version}`, fromSluice(batches[0].records), fetchExpected)
  }
  check(fetchFrames[12][RESPONSE_HEADER_V1_BYTES - 1] === 0, 'Fetch v12 response header has tagged fields')
  const kafkajsResponse = await kafkajsFetch(fetchFrames[11])
  check(kafkajsResponse.responses[0]?.topicName === TOPIC, `${kafkajsName} Fetch v11: topic`)
  checkRecords(
    `${kafkajsName} Fetch v11`,
    fromKafkajs(kafkajsResponse.responses[0].partitions[0].messages),
    fetchExpected,
  )
  const platformaticResponse = platformaticFetch(fetchFrames[12])
  check(platformaticResponse.responses[0]?.topicId === TOPIC, `${platformaticName} Fetch v12: topic`)
  checkRecords(
    `${platformaticName} Fetch v12`,
    fromPlatformatic(platformaticResponse.responses[0].partitions[0].records ?? []),
    fetchExpected,
  )

  const cases: BenchCase[] = []
  // rows compared with each other share a group; the first added is the baseline
  const add = (operation: string, group: string, version: number, name: string, fn: () => unknown) =>
    cases.push({ group: `${operation} (${group})`, name, fn, labels: { operation, version: `v${version}` } })

  add('produce encode: records -> frame', 'v7', 7, 'Sluice', () => sluiceProduceFromRecords(7))
  add('produce encode: records -> frame', 'v7', 7, kafkajsName, kafkajsProduce)
  add('produce encode: records -> frame', 'v9', 9, 'Sluice', () => sluiceProduceFromRecords(9))
  add('produce encode: records -> frame', 'v9', 9, platformaticName, platformaticProduceV9)
  add('produce encode: batch -> frame', 'sluice', 9, 'Sluice', () => sluiceProduceFromBatch(9))
  add('produce encode: batch -> frame', 'sluice', 7, 'Sluice', () => sluiceProduceFromBatch(7))
  add('produce decode: frame -> batch', 'sluice', 9, 'Sluice', () =>
    decodeRequest(Apis.Produce, produceFrames[9]),
  )
  add('produce decode: frame -> batch', 'sluice', 7, 'Sluice', () =>
    decodeRequest(Apis.Produce, produceFrames[7]),
  )
  add('fetch encode: batch -> frame', 'sluice', 12, 'Sluice', () =>
    encodeResponse(Apis.Fetch, 12, CORRELATION_ID, fetchBody(fetchBatch, workload.count)),
  )
  add('fetch encode: batch -> frame', 'sluice', 11, 'Sluice', () =>
    encodeResponse(Apis.Fetch, 11, CORRELATION_ID, fetchBody(fetchBatch, workload.count)),
  )
  add('fetch decode: frame -> records', 'v11', 11, 'Sluice', () => sluiceFetchRecords(11, fetchFrames[11]))
  add('fetch decode: frame -> records', 'v11', 11, kafkajsName, () => kafkajsFetch(fetchFrames[11]))
  add('fetch decode: frame -> records', 'v12', 12, 'Sluice', () => sluiceFetchRecords(12, fetchFrames[12]))
  add('fetch decode: frame -> records', 'v12', 12, platformaticName, () => platformaticFetch(fetchFrames[12]))
  add('fetch decode: frame -> batch', 'sluice', 12, 'Sluice', () =>
    decodeResponse(Apis.Fetch, 12, frameBody(fetchFrames[12])),
  )
  add('fetch decode: frame -> batch', 'sluice', 11, 'Sluice', () =>
    decodeResponse(Apis.Fetch, 11, frameBody(fetchFrames[11])),
  )
  const results = await runComparison(cases, options)
  return {
    title:
      `Produce request and Fetch response around one batch of ${formatInteger(workload.count)} records ` +
      `(${formatInteger(produceBatch.length)} B uncompressed)`,
    columns: [
      { header: 'operation' },
      { header: 'version' },
      { header: 'implementation' },
      { header: 'requests/s', align: 'right' },
      { header: 'per request', align: 'right' },
      { header: 'spread', align: 'right' },
      { header: 'ratio', align: 'right' },
    ],
    rows: groupedRows(results, (r) => [
      r.bench.labels?.operation ?? r.bench.group,
      r.bench.labels?.version ?? '',
      r.bench.name,
      formatSi(r.measurement.opsPerSecond),
      formatDuration(1000 / r.measurement.opsPerSecond),
      spreadCell(r),
      ratioCell(r),
    ]),
    notes: [
      RATIO_NOTE,
      'Versions: kafkajs stops at Produce v7 and Fetch v11, so it is compared with Sluice at those versions;',
      '  @platformatic/kafka is compared at Produce v9 and Fetch v12, the highest versions Sluice speaks.',
      '"records -> frame": from the records to the bytes to write, the batch encoded inside (kafkajs and',
      '  @platformatic/kafka build the batch while encoding the request; Sluice encodes it, then frames it).',
      '"batch -> frame" and "frame -> batch": the batch stays bytes, as on the broker (Sluice only: the',
      '  other two are clients and have no Produce request decoder or Fetch response encoder).',
      '"frame -> records": a consumer\'s work: the response decoded and its batch decoded into records',
      '  (Sluice also checks the batch CRC; the others do not).',
      'Verified before timing: every Produce frame decodes (Sluice decoder) to the workload, and every',
      '  library reads the workload, with offsets from 1,000,000, out of Sluice-encoded Fetch responses.',
    ],
  }
}
