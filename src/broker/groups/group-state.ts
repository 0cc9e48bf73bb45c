/**
 * The states of a classic consumer group, named as Kafka names them (these
 * strings go on the wire in DescribeGroups and ListGroups).
 *
 * - Empty: no members; the group may still hold committed offsets.
 * - PreparingRebalance: collecting JoinGroup requests for the next generation.
 * - CompletingRebalance: the generation is formed; waiting for the leader's
 *   assignment in SyncGroup.
 * - Stable: every member has (or can fetch) its assignment.
 * - Dead: deleted; kept only while requests that already hold it finish.
 */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead'

export const GROUP_STATES: readonly GroupState[] = [
  'Empty',
  'PreparingRebalance',
  'CompletingRebalance',
  'Stable',
  'Dead',
]

/** The states each state may be entered from; anything else is a coordinator bug. */
const PREVIOUS: Readonly<Record<GroupState, readonly GroupState[]>> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
}

export function canTransition(from: GroupState, to: GroupState): boolean {
  return PREVIOUS[to].includes(from)
}

/** A rebalance may start from these states (a group already preparing one just keeps collecting joins). */
export function canStartRebalance(state: GroupState): boolean {
  return canTransition(state, 'PreparingRebalance')
}

/** The state named by `name`, compared without case as ListGroups' filter is; undefined when unknown. */
export function parseGroupState(name: string): GroupState | undefined {
  const lower = name.toLowerCase()
  return GROUP_STATES.find((s) => s.toLowerCase() === lower)
}
