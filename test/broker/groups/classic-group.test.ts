import { describe, expect, it } from 'vitest'
import { ClassicGroup } from '../../../src/broker/groups/classic-group.js'
import { GroupMember } from '../../../src/broker/groups/group-member.js'
import {
  canTransition,
  GROUP_STATES,
  type GroupState,
  parseGroupState,
} from '../../../src/broker/groups/group-state.js'
import { protocols } from './support/coordinator-harness.js'

function member(id: string, names: string[], instance: string | null = null): GroupMember {
  return new GroupMember(
    id,
    instance,
    'client',
    '/127.0.0.1',
    30_000,
    10_000,
    'consumer',
    protocols(...names),
  )
}

describe('group states', () => {
  it("allows exactly the transitions of Kafka's classic coordinator", () => {
    const allowed = new Set([
      'Empty>PreparingRebalance',
      'Empty>Dead',
      'PreparingRebalance>CompletingRebalance',
      'PreparingRebalance>Empty',
      'PreparingRebalance>Dead',
      'CompletingRebalance>Stable',
      'CompletingRebalance>PreparingRebalance',
      'CompletingRebalance>Dead',
      'Stable>PreparingRebalance',
      'Stable>Dead',
      'Dead>Dead',
    ])
    for (const from of GROUP_STATES) {
      for (const to of GROUP_STATES) {
        expect(canTransition(from, to), `${from} -> ${to}`).toBe(allowed.has(`${from}>${to}`))
      }
    }
  })

  it('refuses an illegal transition loudly', () => {
    const group = new ClassicGroup('g')
    expect(() => group.transitionTo('Stable' as GroupState)).toThrow(/cannot go from Empty to Stable/)
    group.transitionTo('PreparingRebalance')
    expect(group.state).toBe('PreparingRebalance')
  })

  it('parses state names without regard to case', () => {
    expect(parseGroupState('completingrebalance')).toBe('CompletingRebalance')
    expect(parseGroupState('STABLE')).toBe('Stable')
    expect(parseGroupState('AwaitingSync')).toBeUndefined()
  })
})

describe('ClassicGroup', () => {
  it('takes its protocol type from the first member and only admits members sharing an assignor', () => {
    const group = new ClassicGroup('g')
    expect(group.supportsProtocols('consumer', ['range'])).toBe(true)
    expect(group.supportsProtocols('', ['range'])).toBe(false)
    expect(group.supportsProtocols('consumer', [])).toBe(false)
    group.add(member('a', ['range', 'roundrobin']))
    group.add(member('b', ['roundrobin']))
    expect(group.protocolType).toBe('consumer')
    expect([...group.candidateProtocols()]).toEqual(['roundrobin'])
    expect(group.supportsProtocols('consumer', ['range'])).toBe(false)
    expect(group.supportsProtocols('connect', ['roundrobin'])).toBe(false)
    expect(group.supportsProtocols('consumer', ['sticky', 'roundrobin'])).toBe(true)
  })

  it('breaks a tie between assignors by the first vote in join order', () => {
    const group = new ClassicGroup('g')
    group.add(member('a', ['roundrobin', 'range']))
    group.add(member('b', ['range', 'roundrobin']))
    expect(group.selectProtocol()).toBe('roundrobin')
    const reversed = new ClassicGroup('h')
    reversed.add(member('b', ['range', 'roundrobin']))
    reversed.add(member('a', ['roundrobin', 'range']))
    expect(reversed.selectProtocol()).toBe('range')
  })

  it('makes the first member leader and hands leadership to the longest-standing member left', () => {
    const group = new ClassicGroup('g')
    group.add(member('a', ['range']))
    group.add(member('b', ['range']))
    group.add(member('c', ['range']))
    expect(group.leaderId).toBe('a')
    group.remove('a')
    expect(group.leaderId).toBe('b')
    group.remove('b')
    group.remove('c')
    expect(group.leaderId).toBeNull()
  })

  it('moves a static member, with its leadership and pending sync, to its new member id', () => {
    const group = new ClassicGroup('g')
    group.add(member('old', ['range'], 'instance'))
    group.pendingSync.add('old')
    const moved = group.replaceStaticMember('instance', 'old', 'new')
    expect(moved.memberId).toBe('new')
    expect(group.has('old')).toBe(false)
    expect(group.leaderId).toBe('new')
    expect([...group.pendingSync]).toEqual(['new'])
    expect(group.staticMemberId('instance')).toBe('new')
    expect(group.isStaticMemberFenced('old', 'instance')).toBe(true)
    expect(group.isStaticMemberFenced('new', 'instance')).toBe(false)
    group.remove('new')
    expect(group.staticMemberId('instance')).toBeUndefined()
  })

  it('uses the longest rebalance timeout of its members', () => {
    const group = new ClassicGroup('g')
    expect(group.rebalanceTimeoutMs).toBe(0)
    const a = member('a', ['range'])
    a.rebalanceTimeoutMs = 45_000
    group.add(a)
    group.add(member('b', ['range']))
    expect(group.rebalanceTimeoutMs).toBe(45_000)
  })
})
