import type { Command } from 'commander'
import type { Admin, GroupDescription, OffsetSpec } from '../../client/index.js'
import { collect, dateTimeArg, type OffsetTarget, offsetTargetArg } from '../arguments.js'
import { action, UsageError, usageErrorsExitTwo } from '../cli-errors.js'
import { addConnectionOptions, type ConnectionFlags } from '../connection-options.js'
import { io } from '../io.js'
import { withAdmin } from '../kafka-session.js'
import { printJson } from '../output/json.js'
import { renderFields, renderTable } from '../output/table.js'

interface JsonFlag {
  json?: boolean
}

async function listGroups(flags: ConnectionFlags & JsonFlag): Promise<void> {
  const groups = await withAdmin(flags, (admin) => admin.listGroups())
  groups.sort((a, b) => a.groupId.localeCompare(b.groupId))
  if (flags.json) return printJson(groups)
  io.stdout.write(
    renderTable(
      ['GROUP', 'STATE', 'PROTOCOL TYPE'],
      groups.map((g) => [g.groupId, g.state, g.protocolType]),
    ),
  )
}

/** A group's state, members and, per partition it commits to or holds, committed offset, log end and lag. */
async function describeGroup(groupId: string, flags: ConnectionFlags & JsonFlag): Promise<void> {
  const { group, lag } = await withAdmin(flags, async (admin) => {
    const [group] = await admin.describeGroups([groupId])
    return { group, lag: await admin.lag(groupId) }
  })
  if (group.state === 'Dead') throw new Error(`group ${groupId} does not exist`)
  const clientOf = new Map(group.members.map((m) => [m.memberId, m.clientId]))
  const described = {
    groupId,
    state: group.state,
    protocolType: group.protocolType,
    protocol: group.protocol,
    coordinator: group.coordinator,
    members: group.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      host: m.clientHost,
      assignment: m.assignment.map((tp) => ({ topic: tp.topic, partition: tp.partition })),
    })),
    totalLag: lag.totalLag,
    partitions: lag.partitions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      committed: p.committed,
      logEnd: p.logEnd,
      lag: p.lag,
      memberId: p.memberId,
      clientId: p.memberId === null ? null : (clientOf.get(p.memberId) ?? null),
    })),
  }
  if (flags.json) return printJson(described)
  io.stdout.write(
    renderFields([
      ['group', groupId],
      ['state', group.state],
      ['protocol', `${group.protocolType || '-'} / ${group.protocol || '-'}`],
      ['coordinator', group.coordinator],
      ['members', group.members.length],
      ['total lag', lag.totalLag],
    ]),
  )
  if (described.members.length > 0) {
    io.stdout.write('\n')
    io.stdout.write(
      renderTable(
        ['MEMBER', 'CLIENT ID', 'HOST', 'ASSIGNMENT'],
        described.members.map((m) => [m.memberId, m.clientId, m.host, compactAssignment(m.assignment)]),
      ),
    )
  }
  if (described.partitions.length > 0) {
    io.stdout.write('\n')
    io.stdout.write(
      renderTable(
        ['TOPIC', 'PARTITION', 'COMMITTED', 'LOG END', 'LAG', 'MEMBER'],
        described.partitions.map((p) => [
          p.topic,
          p.partition,
          p.committed < 0n ? null : p.committed,
          p.logEnd,
          p.lag,
          p.clientId === null ? null : `${p.clientId} ${p.memberId}`,
        ]),
      ),
    )
  }
}

/** `orders:0,1,2 audit:0` */
function compactAssignment(assignment: readonly { topic: string; partition: number }[]): string {
  const byTopic = new Map<string, number[]>()
  for (const tp of assignment) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition])
  return [...byTopic].map(([t, ps]) => `${t}:${ps.sort((a, b) => a - b).join(',')}`).join(' ')
}

interface ResetFlags extends ConnectionFlags, JsonFlag {
  topic: string[]
  partition?: string[]
  to?: OffsetTarget
  toDatetime?: number
  dryRun?: boolean
}

/** Only a group nobody is in takes offsets from outside (Kafka refuses the commit otherwise). */
function refuseActive(group: GroupDescription): void {
  if (group.members.length > 0 || (group.state !== 'Empty' && group.state !== 'Dead')) {
    throw new Error(
      `group ${group.groupId} has ${group.members.length} active member(s) (state ${group.state}): stop its consumers first`,
    )
  }
}

function partitionsArg(values: readonly string[] | undefined): number[] | undefined {
  if (values === undefined) return undefined
  return values.flatMap((v) =>
    v.split(',').map((p) => {
      if (!/^\d+$/.test(p.trim())) throw new UsageError(`--partition must be partition numbers, got "${v}"`)
      return Number(p)
    }),
  )
}

/** Where each partition goes: the offset asked for, kept within the log (as kafka-consumer-groups does). */
async function plannedOffsets(admin: Admin, flags: ResetFlags) {
  const wanted = partitionsArg(flags.partition)
  const topics = await admin.describeTopics(flags.topic)
  const parts = topics.flatMap((t) =>
    t.partitions
      .map((p) => ({ topic: t.topic, partition: p.partition }))
      .filter((tp) => wanted === undefined || wanted.includes(tp.partition)),
  )
  if (wanted !== undefined) {
    for (const p of wanted)
      if (!parts.some((tp) => tp.partition === p))
        throw new UsageError(`--partition ${p}: ${flags.topic.join(', ')} has no such partition`)
  }
  const at = (spec: OffsetSpec) => admin.listOffsets(parts.map((tp) => ({ ...tp, at: spec })))
  const [earliest, latest] = await Promise.all([at('earliest'), at('latest')])
  const byTime = flags.toDatetime === undefined ? undefined : await at({ timestamp: flags.toDatetime })
  return parts.map((tp, i) => {
    const low = earliest[i].offset
    const high = latest[i].offset
    let offset: bigint
    if (byTime) offset = byTime[i].offset < 0n ? high : byTime[i].offset
    else if (flags.to === 'earliest') offset = low
    else if (flags.to === 'latest') offset = high
    else offset = flags.to as bigint
    return { ...tp, offset: offset < low ? low : offset > high ? high : offset }
  })
}

async function resetOffsets(groupId: string, flags: ResetFlags): Promise<void> {
  if ((flags.to === undefined) === (flags.toDatetime === undefined))
    throw new UsageError('reset-offsets needs one of --to or --to-datetime')
  const plan = await withAdmin(flags, async (admin) => {
    const [group] = await admin.describeGroups([groupId])
    refuseActive(group)
    const planned = await plannedOffsets(admin, flags)
    const before = await admin.fetchOffsets(groupId, { partitions: planned })
    if (!flags.dryRun) await admin.alterOffsets(groupId, planned)
    return planned.map((p) => ({
      ...p,
      previous: before.find((b) => b.topic === p.topic && b.partition === p.partition)?.offset ?? -1n,
    }))
  })
  if (flags.json) return printJson({ groupId, dryRun: flags.dryRun === true, partitions: plan })
  io.stdout.write(
    renderTable(
      ['TOPIC', 'PARTITION', 'PREVIOUS', 'NEW'],
      plan.map((p) => [p.topic, p.partition, p.previous < 0n ? null : p.previous, p.offset]),
    ),
  )
  io.stdout.write(
    flags.dryRun
      ? `dry run: nothing changed; run again without --dry-run to reset group ${groupId}\n`
      : `reset ${plan.length} partition(s) of group ${groupId}\n`,
  )
}

async function deleteGroups(groupIds: string[], flags: ConnectionFlags): Promise<void> {
  await withAdmin(flags, (admin) => admin.deleteGroups(groupIds))
  for (const id of groupIds) io.stdout.write(`deleted group ${id}\n`)
}

/** `sluice groups list|describe|reset-offsets|delete`. */
export function registerGroupsCommand(program: Command): void {
  const groups = usageErrorsExitTwo(
    program.command('groups').description('consumer groups: list, describe with lag, reset offsets, delete'),
  )
  addConnectionOptions(groups.command('list').description('list every group with its state'))
    .option('--json', 'print JSON: [{ groupId, protocolType, state }]')
    .action(action(listGroups))
  addConnectionOptions(
    groups
      .command('describe')
      .description(
        'state, protocol, members with their assignment, and per partition committed offset, log end and lag',
      )
      .argument('<group>'),
  )
    .option('--json', 'print JSON: { groupId, state, protocol, members: [...], totalLag, partitions: [...] }')
    .action(action(describeGroup))
  addConnectionOptions(
    groups
      .command('reset-offsets')
      .description("move a group's committed offsets (the group must have no active members)")
      .argument('<group>'),
  )
    .requiredOption('-t, --topic <topic>', 'topic whose offsets to reset (repeatable)', collect)
    .option('--partition <n,...>', 'only these partitions (default all)', collect)
    .option(
      '--to <position>',
      'earliest, latest or an offset (kept within the log)',
      offsetTargetArg('--to', { earliest: 'earliest', latest: 'latest' }),
    )
    .option(
      '--to-datetime <iso>',
      'the first offset at or after this time, e.g. 2026-12-07T09:00:00Z',
      dateTimeArg('--to-datetime'),
    )
    .option('--dry-run', 'show the new offsets without changing anything')
    .option('--json', 'print JSON: { groupId, dryRun, partitions: [{ topic, partition, offset, previous }] }')
    .action(action(resetOffsets))
  addConnectionOptions(
    groups.command('delete').description('delete groups and their committed offsets').argument('<group...>'),
  ).action(action(deleteGroups))
}
