import { probePythonModule } from './support/external-client.js'
import { PythonClient } from './support/python-client.js'
import { pythonClientSuite } from './support/python-suite.js'

/**
 * kafka-python (Debian's python3-kafka) against the embedded broker, through
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
pythonClientSuite({
  name: 'kafka-python',
  availability: probePythonModule('kafka'),
  client: new PythonClient('kafka_python_roundtrip.py'),
  topicPrefix: 'kafka-python',
  // kafka-python numbers create time 0 and log-append time 1, as the wire format does
  createTimeType: 0,
})
