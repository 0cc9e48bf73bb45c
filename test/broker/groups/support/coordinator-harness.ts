import type { JoinRequest, SyncRequest } from '../../../../src/broker/groups/coordinator-requests.js'
import {
  GroupCoordinator,
  type GroupCoordinatorOptions,
} from '../../../../src/broker/groups/group-coordinator.js'
import type { MemberProtocol } from '../../../../src/broker/groups/group-member.js'
import { silentLogger } from '../../../../src/broker/logger.js'
import { ManualClock } from '../../log/support/manual-clock.js'

/** A promise whose outcome can be looked at synchronously once microtasks have run. */
export interface Tracked<T> {
  readonly promise: Promise<T>
  readonly settled: boolean
  /** The value; throws when the promise has not settled yet. */
  readonly value: T
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  let settled = false
  let value: T | undefined
  promise.then((v) => {
    settled = true
    value = v
  })
  return {
    promise,
    get settled() {
      return settled
    },
    get value(): T {
      if (!settled) throw new Error('the request is still waiting')
      return value as T
    },
  }
}

/** Lets every resolved promise run its callbacks. */
export function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

export const SESSION_MS = 10_000
export const REBALANCE_MS = 30_000

export function protocols(...names: string[]): MemberProtocol[] {
  return names.map((name) => ({ name, metadata: Buffer.from(`subscription-for-${name}`) }))
}

export function joinRequest(overrides: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    requireKnownMemberId: false,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: SESSION_MS,
    rebalanceTimeoutMs: REBALANCE_MS,
    protocolType: 'consumer',
    protocols: protocols('range'),
    ...overrides,
  }
}

export function syncRequest(overrides: Partial<SyncRequest> = {}): SyncRequest {
  return {
    groupId: 'g',
    generationId: 1,
    memberId: '',
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments: new Map(),
    ...overrides,
  }
}

export interface Harness {
  clock: ManualClock
  coordinator: GroupCoordinator
}

/** A loaded in-memory coordinator on a manual clock with no initial rebalance delay. */
export async function startCoordinator(options: Partial<GroupCoordinatorOptions> = {}): Promise<Harness> {
  const clock = new ManualClock()
  const coordinator = new GroupCoordinator(
    {
      initialRebalanceDelayMs: 0,
      minSessionTimeoutMs: 6000,
      maxSessionTimeoutMs: 1_800_000,
      offsetMetadataMaxBytes: 4096,
      dataDir: undefined,
      fsync: 'never',
      flushIntervalMs: 1000,
      ...options,
    },
    clock,
    silentLogger,
  )
  await coordinator.load()
  return { clock, coordinator }
}

/**
 * Forms a Stable generation of `count` dynamic members (joined together,
 * leader assigning `assignment-<memberId>` to each) and returns their ids,
 * leader first.
 */
export async function stableGroup(
  h: Harness,
  count: number,
  groupId = 'g',
): Promise<{ generationId: number; leader: string; memberIds: string[] }> {
  const joins = Array.from({ length: count }, (_, i) =>
    track(h.coordinator.joinGroup(joinRequest({ groupId, clientId: `c${i}` }))),
  )
  h.clock.advance(0)
  await drain()
  const outcomes = joins.map((j) => j.value)
  const generationId = outcomes[0].generationId
  const leader = outcomes[0].leader
  const memberIds = outcomes.map((o) => o.memberId)
  const assignments = new Map(memberIds.map((id) => [id, Buffer.from(`assignment-${id}`)]))
  const syncs = memberIds.map((memberId) =>
    h.coordinator.syncGroup(
      syncRequest({
        groupId,
        generationId,
        memberId,
        assignments: memberId === leader ? assignments : new Map(),
      }),
    ),
  )
  await Promise.all(syncs)
  return { generationId, leader, memberIds: [leader, ...memberIds.filter((id) => id !== leader)] }
}
