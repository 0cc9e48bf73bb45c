import { describe, expect, it } from 'vitest'
import { ConnectionError, RequestTimeoutError } from '../../../src/client/errors.js'
import { ApiVersionTable } from '../../../src/client/network/api-version-table.js'
import { BrokerConnection } from '../../../src/client/network/broker-connection.js'
import { ManualClock } from '../../../src/flow/manual-clock.js'
import { encodeResponse } from '../../../src/protocol/frames.js'
import { Apis } from '../../../src/protocol/messages/index.js'
import { ProtocolError } from '../../../src/protocol/protocol-error.js'
import { ScriptedSocket } from '../support/scripted-socket.js'

const HEARTBEAT_V4 = { apiKey: Apis.Heartbeat.key, minVersion: 0, maxVersion: 4 }

function connect(
  options: {
    maxInFlight?: number
    maxResponseBytes?: number
    clock?: ManualClock
    socket?: ScriptedSocket
  } = {},
) {
  const socket = options.socket ?? new ScriptedSocket()
  const connection = new BrokerConnection(socket, {
    address: '127.0.0.1:9092',
    clientId: 'test',
    maxInFlight: options.maxInFlight ?? 5,
    maxResponseBytes: options.maxResponseBytes ?? 1 << 20,
    requestTimeoutMs: 1000,
    clock: options.clock,
  })
  connection.versions = new ApiVersionTable([HEARTBEAT_V4], '127.0.0.1:9092')
  return { socket, connection }
}

const heartbeat = (connection: BrokerConnection, groupId = 'g') =>
  connection.request(Apis.Heartbeat, { groupId, generationId: 1, memberId: 'm' })

/** Lets the connection's writes reach the socket. */
const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('BrokerConnection', () => {
  it('pipelines requests and matches answers that arrive a byte at a time', async () => {
    const { socket, connection } = connect()
    const answers = [heartbeat(connection, 'a'), heartbeat(connection, 'b'), heartbeat(connection, 'c')]
    await tick()
    const written = socket.requests()
    expect(written.map((r) => r.apiVersion)).toEqual([4, 4, 4])
    expect(new Set(written.map((r) => r.correlationId)).size).toBe(3)
    const bytes = Buffer.concat(
      written.map((r, i) =>
        encodeResponse(Apis.Heartbeat, 4, r.correlationId, { errorCode: i, throttleTimeMs: 0 }),
      ),
    )
    for (const byte of bytes) socket.feed(Buffer.from([byte]))
    expect((await Promise.all(answers)).map((a) => a.errorCode)).toEqual([0, 1, 2])
    expect(connection.inFlightCount).toBe(0)
  })

  it('keeps at most maxInFlight unanswered and sends the next when one is answered', async () => {
    const { socket, connection } = connect({ maxInFlight: 2 })
    const answers = [1, 2, 3, 4].map(() => heartbeat(connection))
    await tick()
    expect(socket.requests()).toHaveLength(2)
    expect(connection.queuedCount).toBe(2)
    socket.answer(Apis.Heartbeat, 4, socket.requests()[0].correlationId, { errorCode: 0 })
    await answers[0]
    await tick()
    expect(socket.requests()).toHaveLength(3)
    for (const r of socket.requests().slice(1))
      socket.answer(Apis.Heartbeat, 4, r.correlationId, { errorCode: 0 })
    await answers[2]
    await tick()
    socket.answer(Apis.Heartbeat, 4, socket.requests()[3].correlationId, { errorCode: 0 })
    await Promise.all(answers)
  })

  it('closes the connection on an answer out of order: later answers could not be trusted', async () => {
    const { socket, connection } = connect()
    const first = heartbeat(connection)
    const second = heartbeat(connection)
    let closedWith: Error | undefined
    connection.onClose((e) => {
      closedWith = e
    })
    await tick()
    socket.answer(Apis.Heartbeat, 4, socket.requests()[1].correlationId, { errorCode: 0 })
    await expect(first).rejects.toBeInstanceOf(ProtocolError)
    await expect(second).rejects.toThrow(/correlation id/)
    expect(closedWith).toBeInstanceOf(ProtocolError)
    expect(socket.destroyed).toBe(true)
    expect(connection.isOpen).toBe(false)
  })

  it('refuses a response whose size prefix exceeds maxResponseBytes before buffering it', async () => {
    const { socket, connection } = connect({ maxResponseBytes: 4096 })
    const answer = heartbeat(connection)
    await tick()
    const prefix = Buffer.alloc(4)
    prefix.writeInt32BE(1 << 30)
    socket.feed(prefix)
    await expect(answer).rejects.toThrow(/exceeds the 4096-byte limit/)
    expect(socket.destroyed).toBe(true)
  })

  it('rejects a malformed answer with ProtocolError and closes only that connection', async () => {
    const { socket, connection } = connect()
    const answer = heartbeat(connection)
    const behind = heartbeat(connection)
    await tick()
    const good = encodeResponse(Apis.Heartbeat, 4, socket.requests()[0].correlationId, { errorCode: 0 })
    // same frame, but the size claims one byte less: the tagged-field count is cut off
    const truncated = Buffer.from(good.subarray(0, good.length - 1))
    truncated.writeInt32BE(truncated.length - 4)
    socket.feed(truncated)
    await expect(answer).rejects.toThrow(/malformed Heartbeat v4 response/)
    await expect(behind).rejects.toBeInstanceOf(ConnectionError)
    const again = await heartbeat(connection).catch((e) => e)
    expect(again).toBeInstanceOf(ConnectionError)
  })

  it('times out a queued request without closing, and a written one by closing the connection', async () => {
    const clock = new ManualClock()
    const { socket, connection } = connect({ maxInFlight: 1, clock })
    const written = heartbeat(connection)
    const queued = connection.request(Apis.Heartbeat, { groupId: 'q' }, { timeoutMs: 100 })
    await tick()
    expect(socket.requests()).toHaveLength(1)
    clock.advance(100)
    await expect(queued).rejects.toBeInstanceOf(RequestTimeoutError)
    expect(connection.isOpen).toBe(true)
    const behind = heartbeat(connection)
    clock.advance(900)
    const timedOut = await written.catch((e) => e)
    expect(timedOut).toBeInstanceOf(RequestTimeoutError)
    expect(timedOut.retriable).toBe(true)
    expect(timedOut.message).toMatch(/Heartbeat v4 request not answered within 1000 ms/)
    await expect(behind).rejects.toBeInstanceOf(ConnectionError)
    expect(connection.isOpen).toBe(false)
    expect(clock.pendingTimers).toBe(0)
  })

  it('stops writing while the socket buffer is full and resumes on drain', async () => {
    const socket = new ScriptedSocket(1)
    socket.holdWrites = true
    const { connection } = connect({ socket })
    const answers = [heartbeat(connection), heartbeat(connection), heartbeat(connection)]
    await tick()
    expect(socket.requests()).toHaveLength(1)
    expect(connection.queuedCount).toBe(2)
    socket.releaseWrites()
    await tick()
    expect(socket.requests()).toHaveLength(3)
    for (const r of socket.requests()) socket.answer(Apis.Heartbeat, 4, r.correlationId, { errorCode: 0 })
    await Promise.all(answers)
  })

  it('resolves a request that expects no answer once it is written', async () => {
    const { socket, connection } = connect()
    await connection.request(Apis.Heartbeat, { groupId: 'fire-and-forget' }, { expectResponse: false })
    expect(socket.requests()).toHaveLength(1)
    expect(connection.inFlightCount).toBe(0)
  })

  it('rejects what is unanswered with a retriable ConnectionError when the broker hangs up', async () => {
    const { socket, connection } = connect()
    const answer = heartbeat(connection)
    await tick()
    socket.hangUp()
    const error = await answer.catch((e) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.retriable).toBe(true)
  })

  it('close(grace) lets in-flight requests finish, then closes', async () => {
    const { socket, connection } = connect()
    const answer = heartbeat(connection)
    await tick()
    const closing = connection.close(5000)
    await expect(heartbeat(connection)).rejects.toThrow(/closed/)
    socket.answer(Apis.Heartbeat, 4, socket.requests()[0].correlationId, { errorCode: 0 })
    expect((await answer).errorCode).toBe(0)
    await closing
    expect(socket.destroyed).toBe(true)
  })
})
