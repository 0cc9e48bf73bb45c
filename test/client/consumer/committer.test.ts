import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../../src/client/cluster/cluster.js'
import { type CommitIdentity, Committer } from '../../../src/client/consumer/commit/committer.js'
import type { PartitionState } from '../../../src/client/consumer/fetch/partition-state.js'
import { systemClock } from '../../../src/flow/clock.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'

/**
 * The committer against a scripted coordinator: which OffsetCommits it
 * sends, with which generation, and what it does with each answer. Found by
 * the reliability suite's rebalance storm (issue 15): cooperative members
 * closed or revoking during a rebalance had their last commit refused with
 * REBALANCE_IN_PROGRESS and dropped as stale, and the partitions' next
 * owners redid up to a commit interval of records.
 */

interface Sent {
  readonly generationId: number
  readonly partitions: number[]
}

type Answer = (sent: Sent) => number | Promise<number>

/** A coordinator that answers every partition of a commit with `answer`'s code; records what came. */
function scriptedCluster(answers: Answer[]) {
  const sent: Sent[] = []
  const cluster = {
    coordinator: async () => 1,
    send: async (_node: number, _api: unknown, request: any) => {
      const commit: Sent = {
        generationId: request.generationId,
        partitions: request.topics.flatMap((t: any) => t.partitions.map((p: any) => p.partitionIndex)),
      }
      sent.push(commit)
      const code = await (answers.shift() ?? (() => ErrorCode.NONE))(commit)
      return {
        topics: request.topics.map((t: any) => ({
          name: t.name,
          partitions: t.partitions.map((p: any) => ({ partitionIndex: p.partitionIndex, errorCode: code })),
        })),
      }
    },
    recover: () => {},
    forgetCoordinator: () => {},
  }
  return { cluster: cluster as unknown as Cluster, sent }
}

/** A partition with `done` records finished from offset 0. */
function partition(index: number, done: number) {
  const state = { topic: 't', partition: index, position: done, leaderEpoch: -1, committed: -1, done }
  return Object.assign(state, { committable: () => state.done }) as unknown as PartitionState & {
    done: number
  }
}

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }

function committer(cluster: Cluster, identity: () => CommitIdentity, states: PartitionState[]) {
  return new Committer(
    cluster,
    identity,
    () => states,
    60_000,
    systemClock,
    silent,
    () => {},
  )
}

const member = (generationId: number, memberId = 'm1'): CommitIdentity => ({
  groupId: 'g',
  generationId,
  memberId,
  groupInstanceId: null,
})

describe('Committer', () => {
  it('sends a commit refused with REBALANCE_IN_PROGRESS again once the join completes, as the new generation', async () => {
    let identity = member(4)
    const { cluster, sent } = scriptedCluster([
      () => {
        // the coordinator waits for the leader's assignment of generation 5, which this member joined
        identity = member(5)
        return ErrorCode.REBALANCE_IN_PROGRESS
      },
      () => ErrorCode.NONE,
    ])
    const p0 = partition(0, 120)
    await committer(cluster, () => identity, [p0]).commit(new Set([p0]))
    expect(sent).toEqual([
      { generationId: 4, partitions: [0] },
      { generationId: 5, partitions: [0] },
    ])
    expect(p0.committed).toBe(120)
  })

  it('sends a commit that crossed its own JoinGroup answer again with the newer generation', async () => {
    let identity = member(10)
    const { cluster, sent } = scriptedCluster([
      () => {
        identity = member(11)
        return ErrorCode.ILLEGAL_GENERATION
      },
    ])
    const p0 = partition(0, 7)
    await committer(cluster, () => identity, [p0]).commit()
    expect(sent.map((s) => s.generationId)).toEqual([10, 11])
    expect(p0.committed).toBe(7)
  })

  it('does not send again a partition lost while the commit waited out the rebalance', async () => {
    let identity = member(4)
    const p0 = partition(0, 7)
    const held = [p0]
    const { cluster, sent } = scriptedCluster([
      () => {
        // fenced meanwhile: the partition is dropped, and the member joins generation 6 anew
        held.pop()
        identity = member(6)
        return ErrorCode.REBALANCE_IN_PROGRESS
      },
    ])
    await committer(cluster, () => identity, held).commit()
    expect(sent).toHaveLength(1)
    expect(p0.committed).toBe(-1)
  })

  it('drops a commit of a generation the member is not part of, and never retries it', async () => {
    const { cluster, sent } = scriptedCluster([() => ErrorCode.ILLEGAL_GENERATION])
    const p0 = partition(0, 7)
    await committer(cluster, () => member(10), [p0]).commit()
    expect(sent).toHaveLength(1)
    expect(p0.committed).toBe(-1)
  })

  it('gives up waiting out a rebalance that does not end (about 1.5 s)', async () => {
    const { cluster, sent } = scriptedCluster(
      Array.from({ length: 10 }, () => () => ErrorCode.REBALANCE_IN_PROGRESS),
    )
    const p0 = partition(0, 7)
    await committer(cluster, () => member(3), [p0]).commit()
    expect(sent).toHaveLength(6)
    expect(p0.committed).toBe(-1)
  })

  it('has committed every partition asked for while another commit was in flight when each ask resolves', async () => {
    let release!: () => void
    const held = new Promise<number>((resolve) => {
      release = () => resolve(ErrorCode.NONE)
    })
    const { cluster, sent } = scriptedCluster([() => held])
    const [p0, p1, p2] = [partition(0, 5), partition(1, 6), partition(2, 7)]
    const c = committer(cluster, () => member(1), [p0, p1, p2])
    const first = c.commit(new Set([p0]))
    await new Promise((resolve) => setImmediate(resolve))
    // a revoke and a close asking at once, while the interval commit of p0 is in flight
    const revoke = c.commit(new Set([p1])).then(() => p1.committed)
    const close = c.commit(new Set([p2])).then(() => p2.committed)
    release()
    await first
    expect(await revoke).toBe(6)
    expect(await close).toBe(7)
    expect(sent.map((s) => s.partitions)).toEqual([[0], [1, 2]])
  })
})
