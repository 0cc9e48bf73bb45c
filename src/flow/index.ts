// `sluice/flow`: backpressure primitives with no Kafka knowledge.
// The primitives themselves (Channel, rate limiter, batcher, breaker, keyed
// executor) arrive with issue 6; this entry point exists so the package's
// export map is stable from the start.
export {}
