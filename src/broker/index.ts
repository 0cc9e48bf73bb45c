// `sluice/broker`: the embedded Kafka-compatible broker.
// startBroker() arrives with issue 3; this entry point exists so the package's
// export map is stable from the start.
export {}
