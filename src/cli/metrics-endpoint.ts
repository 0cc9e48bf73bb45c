import { collectDefaultMetrics, Registry } from 'prom-client'
import { type BrokerMetricsSource, collectBrokerMetrics } from '../metrics/broker-collector.js'
import { type MetricsServer, serveMetrics } from '../metrics/serve-metrics.js'

/**
 * `--metrics-port`: a registry of its own with the broker's series and the
 * process's (prom-client's default metrics: CPU, memory, event loop lag),
 * served at /metrics.
 */
export function serveBrokerMetrics(
  broker: BrokerMetricsSource,
  options: { port: number; host: string },
): Promise<MetricsServer> {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  collectBrokerMetrics(broker, { registry })
  return serveMetrics({ registry, port: options.port, host: options.host })
}
