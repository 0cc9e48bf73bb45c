import { describe, expect, it } from 'vitest'
import { UsageError } from '../../src/cli/cli-errors.js'
import { formatRecord } from '../../src/cli/consume/record-format.js'
import { lineToRecord, recordBytes } from '../../src/cli/produce/line-records.js'

describe('produce: lines to records', () => {
  const none = { headers: [] }

  it('takes the key before the first key separator only', () => {
    expect(lineToRecord('a:b:c', { ...none, keySeparator: ':' }, 1)).toEqual({ key: 'a', value: 'b:c' })
    expect(lineToRecord('abc', { ...none, keySeparator: ':' }, 1)).toEqual({ value: 'abc' })
    expect(lineToRecord('a:b', none, 1)).toEqual({ value: 'a:b' })
  })

  it("puts the fixed headers first, then the line's own, and the partition", () => {
    const format = { headers: [['app', 'x']] as [string, string][], headerSeparator: '\t', partition: 3 }
    expect(lineToRecord('h=1,h=2\tvalue', format, 1)).toEqual({
      value: 'value',
      headers: [
        ['app', 'x'],
        ['h', '1'],
        ['h', '2'],
      ],
      partition: 3,
    })
  })

  it('names the line of a bad header', () => {
    expect(() => lineToRecord('nope|v', { ...none, headerSeparator: '|' }, 7)).toThrow(
      new UsageError('line 7: header "nope" is not key=value'),
    )
    expect(() => lineToRecord('v', { ...none, headerSeparator: '|' }, 8)).toThrow(
      /line 8: no header separator/,
    )
  })

  it('counts key, value and header bytes', () => {
    expect(recordBytes({ key: 'é', value: 'ab', headers: [['k', 'v']] })).toBe(6)
  })
})

describe('consume: records to lines', () => {
  const message = {
    topic: 't',
    partition: 1,
    offset: 5n,
    timestamp: 1000,
    key: Buffer.from('k'),
    value: Buffer.from('v'),
    headers: [['h', Buffer.from('1')] as const, ['n', null] as const],
    leaderEpoch: 0,
    attempt: 1,
  }

  it('prints text, with the key when a separator is given', () => {
    expect(formatRecord(message, 'text')).toBe('v\n')
    expect(formatRecord(message, 'text', '\t')).toBe('k\tv\n')
    expect(formatRecord({ ...message, key: null }, 'text', '=')).toBe('=v\n')
  })

  it('prints one JSON object per line', () => {
    expect(JSON.parse(formatRecord(message, 'json') as string)).toEqual({
      topic: 't',
      partition: 1,
      offset: 5,
      timestamp: 1000,
      key: 'k',
      value: 'v',
      headers: [
        ['h', '1'],
        ['n', null],
      ],
    })
  })

  it('prints the raw value bytes', () => {
    const bytes = Buffer.from([0xff, 0x00, 0x41])
    expect(formatRecord({ ...message, value: bytes }, 'raw')).toEqual(Buffer.from([0xff, 0x00, 0x41, 0x0a]))
  })
})
