// The compatibility suites predict where other clients put keyed records with the
// producer's own partitioner, which test/client/producer checks against the Java client.
export { keyPartition as javaKeyPartition, murmur2 } from '../../../src/client/producer/murmur2.js'
