import type { BrokerMetrics } from './broker-metrics.js'
import { BrokerNode } from './broker-node.js'
import { BrokerState } from './broker-state.js'
import { type Clock, systemClock } from './clock.js'
import { singleNodeView } from './cluster/cluster-view.js'
import { type BrokerFaults, FaultControls, faultInjectionOff } from './faults/broker-faults.js'
import type { MemoryStats } from './log/memory-budget.js'
import { type BrokerOptions, resolveBrokerOptions } from './options.js'

export interface RunningBroker {
  /** `host:port` to give clients as their bootstrap server. */
  readonly bootstrap: string
  readonly host: string
  readonly port: number
  /**
   * TEST ONLY: the fault injection controls (faults/broker-faults.ts). Only
   * with the `faultInjection: true` option; otherwise reading it throws.
   */
  readonly faults: BrokerFaults
  /**
   * The memory engine's budget (`memoryBudgetBytes`), what it holds now and
   * what the budget released so far; with a data directory it holds nothing.
   */
  readonly memory: MemoryStats
  /**
   * Counters since the start (requests per API, bytes in and out,
   * connections, records appended) and gauges (offsets of every partition,
   * memory), as plain data: what `sluice/metrics` exports to Prometheus.
   */
  metrics(): BrokerMetrics
  /** Stops accepting, answers what is in flight, flushes the logs and releases everything. */
  close(): Promise<void>
}

/**
 * Starts the embedded broker and resolves once it listens. With `port: 0`
 * the OS picks a free port; `bootstrap` says which.
 */
export async function startBroker(
  options: BrokerOptions = {},
  clock: Clock = systemClock,
): Promise<RunningBroker> {
  const resolved = resolveBrokerOptions(options)
  const state = new BrokerState(resolved, clock)
  const node = new BrokerNode(resolved.nodeId, state, (self) => singleNodeView(self.nodeId, self.advertised))
  await state.load()
  try {
    await node.start(resolved.port)
  } catch (err) {
    await state.close(state.releaseWaiters())
    throw err
  }
  resolved.logger.info(`listening on ${node.bootstrap} (${state.describeStorage()})`)
  const faults = resolved.faults && new FaultControls(resolved.faults, () => [node.nodeId])
  return new EmbeddedBroker(state, node, faults)
}

class EmbeddedBroker implements RunningBroker {
  private closing: Promise<void> | undefined

  constructor(
    private readonly state: BrokerState,
    private readonly node: BrokerNode,
    private readonly faultControls: FaultControls | undefined,
  ) {}

  get faults(): BrokerFaults {
    return this.faultControls ?? faultInjectionOff()
  }

  get memory(): MemoryStats {
    return this.state.memoryStats()
  }

  metrics(): BrokerMetrics {
    return this.state.metrics()
  }

  get host(): string {
    return this.node.listening.host
  }

  get port(): number {
    return this.node.listening.port
  }

  get bootstrap(): string {
    return this.node.bootstrap
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async shutdown(): Promise<void> {
    // held requests and long delays would keep connections from draining
    this.state.options.faults?.clear()
    const drained = this.node.beginShutdown()
    const groupsClosed = this.state.releaseWaiters()
    await drained
    await this.state.close(groupsClosed)
    this.state.logger.info('broker stopped')
  }
}
