import { describe, expect, it } from 'vitest'
import { RetryPolicy, recoveryFor } from '../../../src/client/cluster/retry-policy.js'
import { ConnectionError, OperationTimeoutError } from '../../../src/client/errors.js'
import { ManualClock } from '../../../src/flow/manual-clock.js'
import { ErrorCode, KafkaError } from '../../../src/protocol/error-codes.js'

describe('RetryPolicy', () => {
  it('classifies failures the same way everywhere', () => {
    expect(recoveryFor(new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER))).toBe('refresh-metadata')
    expect(recoveryFor(new KafkaError(ErrorCode.FENCED_LEADER_EPOCH))).toBe('refresh-metadata')
    expect(recoveryFor(new KafkaError(ErrorCode.NOT_COORDINATOR))).toBe('find-coordinator')
    expect(recoveryFor(new KafkaError(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS))).toBe('backoff')
    expect(recoveryFor(new KafkaError(ErrorCode.TOPIC_AUTHORIZATION_FAILED))).toBe('fail')
    expect(recoveryFor(new ConnectionError('gone', 'b:1'))).toBe('refresh-metadata')
    expect(recoveryFor(new Error('bug'))).toBe('fail')
  })

  it('retries with growing, capped backoff until the call succeeds', async () => {
    const clock = new ManualClock()
    const policy = new RetryPolicy(
      { retries: Number.POSITIVE_INFINITY, initialBackoffMs: 100, maxBackoffMs: 400 },
      clock,
      () => 1,
    )
    const attempts: number[] = []
    const result = policy.run(
      'op',
      async (n) => {
        attempts.push(clock.now())
        if (n < 5) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE)
        return 'done'
      },
      { timeoutMs: 10_000 },
    )
    await clock.runAllAsync()
    expect(await result).toBe('done')
    expect(attempts.slice(1).map((t, i) => t - attempts[i])).toEqual([100, 200, 400, 400])
  })

  it('stops at a non-retriable error, at the retry cap, and at the deadline', async () => {
    const clock = new ManualClock()
    const capped = new RetryPolicy({ retries: 2, initialBackoffMs: 10, maxBackoffMs: 10 }, clock)
    let calls = 0
    const fatal = capped.run(
      'op',
      async () => {
        calls++
        throw new KafkaError(ErrorCode.INVALID_CONFIG)
      },
      { timeoutMs: 1000 },
    )
    await expect(fatal).rejects.toThrow(/INVALID_CONFIG/)
    expect(calls).toBe(1)

    calls = 0
    const exhausted = capped.run(
      'op',
      async () => {
        calls++
        throw new KafkaError(ErrorCode.REQUEST_TIMED_OUT)
      },
      { timeoutMs: 10_000 },
    )
    exhausted.catch(() => {})
    await clock.runAllAsync()
    await expect(exhausted).rejects.toThrow(/REQUEST_TIMED_OUT/)
    expect(calls).toBe(3)

    const slow = new RetryPolicy(
      { retries: Number.POSITIVE_INFINITY, initialBackoffMs: 100, maxBackoffMs: 100 },
      clock,
      () => 1,
    )
    const late = slow.run(
      'listOffsets',
      async () => {
        throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE)
      },
      { timeoutMs: 450 },
    )
    late.catch(() => {})
    await clock.runAllAsync()
    const error = await late.catch((e) => e)
    expect(error).toBeInstanceOf(OperationTimeoutError)
    expect(error.message).toMatch(/^listOffsets could not complete within 450 ms: LEADER_NOT_AVAILABLE/)
    expect(clock.pendingTimers).toBe(0)
  })
})
