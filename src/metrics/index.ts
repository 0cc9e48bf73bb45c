// `sluice/metrics`: Prometheus metrics of producers, consumers and the embedded broker (prom-client).
export { Registry } from 'prom-client'
export {
  BROKER_METRICS,
  type BrokerMetricsSnapshot,
  type BrokerMetricsSource,
  collectBrokerMetrics,
} from './broker-collector.js'
export { CONSUMER_METRICS, type ConsumerMetricsSource, collectConsumerMetrics } from './consumer-collector.js'
export type { Labels, MetricSpec, MetricsCollection } from './metric-family.js'
export {
  type CollectOptions,
  collectProducerMetrics,
  PRODUCER_METRICS,
  type ProducerMetricsSource,
} from './producer-collector.js'
export { type MetricsServer, type ServeMetricsOptions, serveMetrics } from './serve-metrics.js'
