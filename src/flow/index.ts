// `sluice/flow`: backpressure primitives with no Kafka knowledge, used by the
// client and exported for applications' own pipelines.
//
// All of it is written here rather than taken from npm: the hot paths
// (Channel, KeyedExecutor) are built to cost no promise per item when nothing
// waits, which general-purpose queues and limiters do not aim for, and every
// primitive that waits runs on the injectable Clock, which the common breaker
// and retry packages do not accept (their tests must fake the global timers).
// What is left (a token bucket, a breaker, a backoff loop) is small enough to
// own outright.
export {
  AdaptiveConcurrency,
  type AdaptiveConcurrencyOptions,
  type AdaptiveConcurrencyStats,
} from './adaptive-concurrency.js'
export { AimdLimit, type AimdLimitOptions } from './aimd-limit.js'
export { type BatchOptions, batch } from './batch.js'
export {
  Channel,
  type ChannelOptions,
  type ChannelStats,
  type DropReason,
  type OverflowStrategy,
  type WaitOptions,
} from './channel.js'
export {
  CircuitBreaker,
  type CircuitBreakerEvents,
  type CircuitBreakerOptions,
  type CircuitBreakerStats,
  type CircuitState,
} from './circuit-breaker.js'
export { type Clock, type SleepOptions, sleep, systemClock, type TimerHandle } from './clock.js'
export {
  ConcurrencyLimiter,
  type ConcurrencyLimiterOptions,
  type ConcurrencyLimiterStats,
  type Outcome,
  type Permit,
} from './concurrency-limiter.js'
export { ChannelClosedError, ChannelFullError, CircuitOpenError } from './errors.js'
export { GradientLimit, type GradientLimitOptions } from './gradient-limit.js'
export { KeyedExecutor, type KeyedExecutorOptions, type KeyedExecutorStats } from './keyed-executor.js'
export type { LimitAlgorithm, LimitSample } from './limit-algorithm.js'
export { ManualClock } from './manual-clock.js'
export { RateLimiter, type RateLimiterOptions, type RateLimiterStats } from './rate-limiter.js'
export { type BackoffOptions, backoffDelay, type RetryOptions, retry } from './retry.js'
export { Watermarks, type WatermarksOptions, type WatermarksStats } from './watermarks.js'
