import { describe, expect, it } from 'vitest'
import { applyConfigChanges, ConfigOperation } from '../../../src/broker/topics/config-operations.js'
import { TopicConfig } from '../../../src/broker/topics/topic-config.js'

const { SET, DELETE, APPEND, SUBTRACT } = ConfigOperation

describe('applyConfigChanges', () => {
  const config = new TopicConfig(new Map([['segment.ms', '100000']]), new Map([['retention.ms', '5000']]))

  it('applies operations in order on top of the current overrides', () => {
    const result = applyConfigChanges(config, [
      { name: 'retention.ms', configOperation: SET, value: '1' },
      { name: 'retention.ms', configOperation: SET, value: '2' },
      { name: 'segment.ms', configOperation: DELETE, value: null },
    ])
    expect(result).toEqual(new Map([['retention.ms', '2']]))
    // the input is untouched
    expect(config.overrides.get('segment.ms')).toBe('100000')
  })

  it('APPEND and SUBTRACT work on the value in force, item by item, without duplicates', () => {
    expect(
      applyConfigChanges(config, [
        { name: 'cleanup.policy', configOperation: APPEND, value: 'compact, compact' },
      ]),
    ).toEqual(
      new Map([
        ['segment.ms', '100000'],
        ['cleanup.policy', 'delete,compact'],
      ]),
    )
    const emptied = applyConfigChanges(config, [
      { name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete,compact' },
    ]) as Map<string, string>
    expect(emptied.get('cleanup.policy')).toBe('')
  })

  it('refuses non-list APPEND, bad results and unknown operations', () => {
    expect(
      applyConfigChanges(config, [{ name: 'segment.ms', configOperation: SUBTRACT, value: '1' }]),
    ).toEqual({
      errorCode: 'INVALID_CONFIG',
      message: "Can't SUBTRACT to key segment.ms because its type is not LIST.",
    })
    expect(
      applyConfigChanges(config, [{ name: 'cleanup.policy', configOperation: APPEND, value: 'shred' }]),
    ).toMatchObject({
      errorCode: 'INVALID_CONFIG',
    })
    expect(
      applyConfigChanges(config, [{ name: 'segment.ms', configOperation: 9, value: '1' }]),
    ).toMatchObject({
      errorCode: 'UNKNOWN_SERVER_ERROR',
    })
  })
})
