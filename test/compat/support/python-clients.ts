import { probePythonModule } from './external-client.js'
import { PythonClient } from './python-client.js'
import type { PythonSuiteOptions } from './python-suite.js'

/**
 * The two Python clients of the compatibility suite, as pythonClientSuite
 * runs them (against the embedded broker in confluent-kafka.test.ts and
 * kafka-python.test.ts, against Apache Kafka in their .kafka.test.ts twins).
 */

/**
 * confluent-kafka for Python (Debian's python3-confluent-kafka, on
 * librdkafka), through test/compat/clients/confluent_roundtrip.py: topics
 * made with AdminClient, records produced with explicit create times,
 * Java-compatible partitioning (`murmur2_random`) and idempotence off
 * (test/compat/idempotence/ covers it), read back with assign() from the
 * beginning, offsets from get_watermark_offsets and offsets_for_times.
 */
export const CONFLUENT_SUITE: PythonSuiteOptions = {
  name: 'confluent-kafka (Python)',
  availability: probePythonModule('confluent_kafka'),
  client: new PythonClient('confluent_roundtrip.py'),
  topicPrefix: 'confluent',
  // librdkafka's TIMESTAMP_CREATE_TIME
  createTimeType: 1,
}

/**
 * kafka-python (Debian's python3-kafka), through
 * test/compat/clients/kafka_python_roundtrip.py: topics made with
 * KafkaAdminClient, records produced with explicit create times and the
 * default (murmur2) partitioner, read back with assign() and
 * seek_to_beginning(), offsets from beginning_offsets, end_offsets and
 * offsets_for_times.
 *
 * Codecs: gzip is built in; snappy, lz4 and zstd need python3-snappy,
 * python3-lz4 and python3-zstandard, which .ci/install-compat-clients
 * installs. A codec whose module is missing is skipped locally and fails
 * under CI.
 */
export const KAFKA_PYTHON_SUITE: PythonSuiteOptions = {
  name: 'kafka-python',
  availability: probePythonModule('kafka'),
  client: new PythonClient('kafka_python_roundtrip.py'),
  topicPrefix: 'kafka-python',
  // kafka-python numbers create time 0 and log-append time 1, as the wire format does
  createTimeType: 0,
}
