import type { Server, Socket } from 'node:net'
import { Authenticator } from './auth/authenticator.js'
import type { BrokerContext } from './broker-context.js'
import type { BrokerState } from './broker-state.js'
import type { ClusterView } from './cluster/cluster-view.js'
import { Dispatcher } from './dispatcher.js'
import { brokerHandlers } from './handlers/index.js'
import { ConnectionAdmission } from './network/admission.js'
import { Connection } from './network/connection.js'
import { createListener } from './network/listener.js'
import { RateLimitedLog } from './network/rate-limited-log.js'

/**
 * How long a graceful shutdown waits for requests already read to be
 * answered and for clients to close their side: a client that never does
 * (a leaked socket) would hold the listener open, and close() with it, for
 * ever. Then what is left is dropped.
 */
const SHUTDOWN_GRACE_MS = 5000

/**
 * One broker node: a listener, its connections and the dispatcher that serves
 * them, over a BrokerState it may share with other nodes. It can be stopped
 * (listener closed, connections dropped) and started again on the same port,
 * which is how a test cluster takes a node down and brings it back.
 */
export class BrokerNode {
  readonly context: BrokerContext
  /** Host and port the listener is bound to; set once it is. */
  readonly listening = { host: '', port: 0 }
  /** Host and port clients are told (the listening ones unless `advertisedHost`/`advertisedPort` say otherwise). */
  readonly advertised = { host: '', port: 0 }
  private readonly dispatcher: Dispatcher
  private readonly connections = new Set<Connection>()
  /** Connection limits and the failed-login lockout of this node's listener. */
  private readonly admission: ConnectionAdmission
  /** SASL for this node's connections; undefined when authentication is off. */
  private readonly authenticator: Authenticator | undefined
  /** "closing connection" lines for bad input: at most 20 per 10 s per node, then a count. */
  private readonly closeLog: RateLimitedLog
  private server: Server | undefined
  private nextConnectionId = 1
  private shuttingDown = false

  constructor(
    readonly nodeId: number,
    private readonly state: BrokerState,
    cluster: (node: BrokerNode) => ClusterView,
  ) {
    const dispatcherRef: { current?: Dispatcher } = {}
    this.context = {
      options: state.options,
      topics: state.topics,
      watchers: state.watchers,
      groups: state.groups,
      producerIds: state.producerIds,
      producerStates: state.producerStates,
      counters: state.counters,
      clock: state.clock,
      logger: state.logger,
      nodeId,
      clusterId: state.clusterId,
      advertised: this.advertised,
      cluster: cluster(this),
      advertisedVersions: () => dispatcherRef.current!.advertisedVersions(),
    }
    this.dispatcher = new Dispatcher(brokerHandlers, this.context)
    dispatcherRef.current = this.dispatcher
    const { options, clock, logger } = state
    this.admission = new ConnectionAdmission(options, logger, clock)
    this.closeLog = new RateLimitedLog(logger, clock, 'warn', 10_000, 20)
    this.authenticator =
      options.credentials &&
      new Authenticator({
        credentials: options.credentials,
        failureDelayMs: options.failedAuthenticationDelayMs,
        clock,
        logger,
        onFailure: (address) => this.admission.recordAuthenticationFailure(address),
      })
  }

  get isRunning(): boolean {
    return this.server !== undefined
  }

  /** The listener's own `host:port` (not the advertised one: a proxy in front is the caller's to name). */
  get bootstrap(): string {
    const host = this.listening.host.includes(':') ? `[${this.listening.host}]` : this.listening.host
    return `${host}:${this.listening.port}`
  }

  /** Listens on `port` (0 picks one; a restarted node passes the port it had, so clients find it again). */
  async start(port: number): Promise<void> {
    if (this.server) return
    const options = this.state.options
    const server = createListener({
      host: options.host,
      tls: options.tls,
      authenticationRequired: this.authenticator !== undefined,
      admission: this.admission,
      handshakeTimeoutMs: options.requestReceiveTimeoutMs,
      logger: options.logger,
      onConnection: (socket) => this.accept(socket),
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, this.state.options.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('listener has no TCP address')
    const wildcard = address.address === '0.0.0.0' || address.address === '::'
    this.listening.host = wildcard ? '127.0.0.1' : address.address
    this.listening.port = address.port
    this.advertised.host = options.advertisedHost ?? this.listening.host
    this.advertised.port = options.advertisedPort ?? this.listening.port
    this.server = server
  }

  private accept(socket: Socket): void {
    if (this.shuttingDown || !this.server) {
      socket.destroy()
      return
    }
    const options = this.state.options
    const dispatch = (frame: Buffer, conn: Connection) => this.dispatcher.dispatch(frame, conn)
    const connection = new Connection(
      this.nextConnectionId++,
      socket,
      // TEST ONLY: with `faultInjection` every request passes through the fault injector (faults/)
      options.faults?.wrap(this.context, dispatch) ?? dispatch,
      {
        maxFrameBytes: options.maxRequestBytes,
        maxInFlight: options.maxInFlightPerConnection,
        logger: options.logger,
        clock: this.state.clock,
        idleTimeoutMs: options.connectionsMaxIdleMs,
        requestReceiveTimeoutMs: options.requestReceiveTimeoutMs,
        saslMaxReceiveBytes: options.saslMaxReceiveBytes,
        authenticator: this.authenticator,
        closeLog: this.closeLog,
      },
    )
    this.connections.add(connection)
    const counters = this.state.counters
    counters.connectionsAccepted++
    socket.once('close', () => {
      this.connections.delete(connection)
      counters.connectionsClosed++
    })
  }

  /** Abrupt stop, as a crashed or unplugged node: the listener closes and every connection drops. */
  async stop(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = undefined
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    for (const c of this.connections) c.destroy()
    this.connections.clear()
    await closed
  }

  /**
   * First step of a graceful shutdown: stops accepting and reading. The
   * returned promise resolves once every request already read is answered
   * and the listener is closed.
   */
  beginShutdown(): Promise<void> {
    this.shuttingDown = true
    const server = this.server
    this.server = undefined
    const stopped = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve()
    for (const c of this.connections) c.stopReading()
    const drained = (async () => {
      await Promise.all([...this.connections].map((c) => c.end()))
      await stopped
    })()
    return (async () => {
      let timer: NodeJS.Timeout | undefined
      const grace = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), SHUTDOWN_GRACE_MS)
        timer.unref()
      })
      const outcome = await Promise.race([drained, grace])
      clearTimeout(timer)
      if (outcome !== 'late') return
      this.state.logger.warn(
        `${this.connections.size} connection(s) not closed ${SHUTDOWN_GRACE_MS} ms into shutdown: dropped`,
      )
      for (const c of this.connections) c.destroy()
      this.connections.clear()
      await stopped
    })()
  }
}
