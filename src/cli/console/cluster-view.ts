import type { Admin } from '../../client/admin/admin.js'
import type { ListedOffset } from '../../client/admin/admin-types.js'
import type { ClusterView, GroupsView, GroupView, TopicsView } from './console-api-types.js'

/** The page lists at most this many topics and groups; a cluster with thousands stays answerable. */
export const MAX_TOPICS = 500
export const MAX_GROUPS = 100

/** Each admin call of one API answer may take this long; a page waits for no more. */
const CALL_TIMEOUT_MS = 10_000
const call = { timeoutMs: CALL_TIMEOUT_MS }

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`

export async function readCluster(admin: Admin): Promise<ClusterView> {
  const cluster = await admin.describeCluster(call)
  return {
    clusterId: cluster.clusterId,
    controller: cluster.controller,
    brokers: cluster.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
  }
}

function offsetsByPartition(offsets: readonly ListedOffset[]): Map<string, number> {
  return new Map(offsets.map((o) => [key(o.topic, o.partition), Number(o.offset)]))
}

/** Topics (internal ones left out) with every partition's leader, replicas and earliest and latest offsets. */
export async function readTopics(admin: Admin): Promise<TopicsView> {
  const names = await admin.listTopics(call)
  const listed = names.slice(0, MAX_TOPICS)
  if (listed.length === 0) return { topics: [], truncated: false }
  const descriptions = await admin.describeTopics(listed, call)
  const partitions = descriptions.flatMap((d) =>
    d.partitions.map((p) => ({ topic: d.topic, partition: p.partition })),
  )
  const [earliest, latest] = await Promise.all([
    admin.listOffsets(
      partitions.map((p) => ({ ...p, at: 'earliest' as const })),
      call,
    ),
    admin.listOffsets(
      partitions.map((p) => ({ ...p, at: 'latest' as const })),
      call,
    ),
  ])
  const startOf = offsetsByPartition(earliest)
  const endOf = offsetsByPartition(latest)
  return {
    topics: descriptions.map((d) => ({
      topic: d.topic,
      partitions: [...d.partitions]
        .sort((a, b) => a.partition - b.partition)
        .map((p) => ({
          partition: p.partition,
          leader: p.leader,
          replicas: p.replicas,
          isr: p.isr,
          earliest: startOf.get(key(d.topic, p.partition)) ?? -1,
          latest: endOf.get(key(d.topic, p.partition)) ?? -1,
        })),
    })),
    truncated: names.length > listed.length,
  }
}

/** Consumer groups with their state, members and what each holds, and lag per partition. */
export async function readGroups(admin: Admin): Promise<GroupsView> {
  const listings = (await admin.listGroups(call)).sort((a, b) => (a.groupId < b.groupId ? -1 : 1))
  const listed = listings.slice(0, MAX_GROUPS).map((g) => g.groupId)
  if (listed.length === 0) return { groups: [], truncated: false }
  const [descriptions, lags] = await Promise.all([
    admin.describeGroups(listed, call),
    Promise.all(listed.map((id) => admin.lag(id, call))),
  ])
  const lagOf = new Map(lags.map((lag) => [lag.groupId, lag]))
  const groups: GroupView[] = descriptions.map((d) => {
    const lag = lagOf.get(d.groupId)
    return {
      groupId: d.groupId,
      state: d.state,
      protocolType: d.protocolType,
      protocol: d.protocol,
      members: d.members.map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        assignment: m.assignment.map((tp) => ({ topic: tp.topic, partition: tp.partition })),
      })),
      partitions: (lag?.partitions ?? []).map((p) => ({
        topic: p.topic,
        partition: p.partition,
        committed: Number(p.committed),
        logEnd: Number(p.logEnd),
        lag: p.lag === null ? null : Number(p.lag),
        memberId: p.memberId,
      })),
      totalLag: Number(lag?.totalLag ?? 0n),
    }
  })
  return { groups, truncated: listings.length > listed.length }
}
