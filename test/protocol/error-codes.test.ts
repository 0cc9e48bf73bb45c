import { describe, expect, it } from 'vitest'
import {
  ErrorCode,
  errorForCode,
  errorInfo,
  isRetriable,
  KAFKA_ERRORS,
  KafkaError,
} from '../../src/protocol/error-codes.js'

describe('Kafka error table', () => {
  it('has unique codes and unique names', () => {
    const codes = KAFKA_ERRORS.map((e) => e.code)
    const names = KAFKA_ERRORS.map((e) => e.name)
    expect(new Set(codes).size).toBe(codes.length)
    expect(new Set(names).size).toBe(names.length)
  })

  it('covers every code from -1 to 133 with no gaps, in order', () => {
    const expected = Array.from({ length: 135 }, (_, i) => i - 1)
    expect(KAFKA_ERRORS.map((e) => e.code)).toEqual(expected)
  })

  it('spells names in UPPER_SNAKE and gives one-line messages', () => {
    for (const e of KAFKA_ERRORS) {
      expect(e.name).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/)
      expect(e.message.length).toBeGreaterThan(5)
      expect(e.message).not.toMatch(/\n/)
      expect(e.message).toMatch(/\.$/)
    }
  })

  it.each([
    [-1, 'UNKNOWN_SERVER_ERROR', false],
    [1, 'OFFSET_OUT_OF_RANGE', false],
    [2, 'CORRUPT_MESSAGE', true],
    [3, 'UNKNOWN_TOPIC_OR_PARTITION', true],
    [6, 'NOT_LEADER_OR_FOLLOWER', true],
    [7, 'REQUEST_TIMED_OUT', true],
    [13, 'NETWORK_EXCEPTION', true],
    [14, 'COORDINATOR_LOAD_IN_PROGRESS', true],
    [15, 'COORDINATOR_NOT_AVAILABLE', true],
    [16, 'NOT_COORDINATOR', true],
    [19, 'NOT_ENOUGH_REPLICAS', true],
    [22, 'ILLEGAL_GENERATION', false],
    [25, 'UNKNOWN_MEMBER_ID', false],
    [27, 'REBALANCE_IN_PROGRESS', false],
    [35, 'UNSUPPORTED_VERSION', false],
    [45, 'OUT_OF_ORDER_SEQUENCE_NUMBER', false],
    [47, 'INVALID_PRODUCER_EPOCH', false],
    [51, 'CONCURRENT_TRANSACTIONS', true],
    [56, 'KAFKA_STORAGE_ERROR', true],
    [58, 'SASL_AUTHENTICATION_FAILED', false],
    [74, 'FENCED_LEADER_EPOCH', true],
    [75, 'UNKNOWN_LEADER_EPOCH', true],
    [78, 'OFFSET_NOT_AVAILABLE', true],
    [79, 'MEMBER_ID_REQUIRED', false],
    [82, 'FENCED_INSTANCE_ID', false],
    [89, 'THROTTLING_QUOTA_EXCEEDED', true],
    [90, 'PRODUCER_FENCED', false],
    [100, 'UNKNOWN_TOPIC_ID', true],
    [120, 'TRANSACTION_ABORTABLE', false],
    [133, 'SHARE_SESSION_LIMIT_REACHED', true],
  ] as const)('code %i is %s (retriable: %s)', (code, name, retriable) => {
    expect(errorInfo(code)).toMatchObject({ code, name, retriable })
    expect(isRetriable(code)).toBe(retriable)
    expect(ErrorCode[name]).toBe(code)
  })

  it('marks exactly the codes whose Java exceptions extend RetriableException', () => {
    const retriable = KAFKA_ERRORS.filter((e) => e.retriable).map((e) => e.code)
    expect(retriable).toEqual([
      2, 3, 5, 6, 7, 9, 13, 14, 15, 16, 19, 20, 41, 51, 56, 70, 71, 72, 74, 75, 78, 80, 83, 84, 88, 89, 100,
      103, 106, 122, 123, 133,
    ])
  })

  it('ErrorCode maps every name to its code and nothing else', () => {
    expect(Object.keys(ErrorCode)).toHaveLength(KAFKA_ERRORS.length)
    for (const e of KAFKA_ERRORS) expect(ErrorCode[e.name]).toBe(e.code)
    expect(ErrorCode.NONE).toBe(0)
    expect(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).toBe(3)
  })

  it('cannot be modified by callers', () => {
    expect(Object.isFrozen(KAFKA_ERRORS)).toBe(true)
    expect(Object.isFrozen(KAFKA_ERRORS[0])).toBe(true)
    expect(Object.isFrozen(ErrorCode)).toBe(true)
  })
})

describe('errorInfo / isRetriable', () => {
  it('returns undefined and false for codes the table lacks', () => {
    expect(errorInfo(134)).toBeUndefined()
    expect(errorInfo(-2)).toBeUndefined()
    expect(isRetriable(9999)).toBe(false)
  })

  it('treats NONE as not retriable', () => {
    expect(errorInfo(0)?.name).toBe('NONE')
    expect(isRetriable(0)).toBe(false)
  })
})

describe('errorForCode', () => {
  it('builds a KafkaError whose message names the code and the context', () => {
    const err = errorForCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { topic: 'orders', partition: 2 })
    expect(err).toBeInstanceOf(KafkaError)
    expect(err).toBeInstanceOf(Error)
    expect(err.name).toBe('KafkaError')
    expect(err.code).toBe(3)
    expect(err.type).toBe('UNKNOWN_TOPIC_OR_PARTITION')
    expect(err.retriable).toBe(true)
    expect(err.details).toEqual({ topic: 'orders', partition: 2 })
    expect(err.message).toBe(
      'UNKNOWN_TOPIC_OR_PARTITION (3): This broker does not know the requested topic or partition. topic=orders partition=2',
    )
  })

  it('leaves details off the message and the error when none are given', () => {
    const err = errorForCode(22)
    expect(err.message).toBe(
      'ILLEGAL_GENERATION (22): The group generation id in the request is not the current one.',
    )
    expect(err.details).toBeUndefined()
    expect(err.retriable).toBe(false)
  })

  it('skips undefined detail values and quotes values that would blur key=value', () => {
    const err = errorForCode(30, {
      group: 'billing team',
      member: undefined,
      note: '',
      offset: 5n,
      ok: false,
    })
    expect(err.message).toBe(
      'GROUP_AUTHORIZATION_FAILED (30): The client is not authorized to access the group. group="billing team" note="" offset=5 ok=false',
    )
  })

  it('copies and freezes the details so later changes by the caller do not leak in', () => {
    const context = { topic: 'orders' }
    const err = errorForCode(6, context)
    context.topic = 'changed'
    expect(err.details).toEqual({ topic: 'orders' })
    expect(Object.isFrozen(err.details)).toBe(true)
  })

  it('gives unknown codes the type UNKNOWN, keeps the number, and does not retry them', () => {
    const err = errorForCode(4242, { topic: 't' })
    expect(err.type).toBe('UNKNOWN')
    expect(err.code).toBe(4242)
    expect(err.retriable).toBe(false)
    expect(err.message).toMatch(/^UNKNOWN \(4242\): .+ topic=t$/)
  })

  it('keeps UNKNOWN_SERVER_ERROR (-1) distinct from an unrecognised code', () => {
    const err = errorForCode(-1)
    expect(err.type).toBe('UNKNOWN_SERVER_ERROR')
    expect(err.message.startsWith('UNKNOWN_SERVER_ERROR (-1): ')).toBe(true)
  })

  it('refuses NONE and values no 16-bit error code field can hold', () => {
    expect(() => errorForCode(0)).toThrow(RangeError)
    expect(() => errorForCode(1.5)).toThrow(RangeError)
    expect(() => errorForCode(32768)).toThrow(RangeError)
    expect(() => errorForCode(Number.NaN)).toThrow(RangeError)
    expect(errorForCode(-32768).type).toBe('UNKNOWN')
  })
})
