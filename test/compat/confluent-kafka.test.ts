import { probePythonModule } from './support/external-client.js'
import { PythonClient } from './support/python-client.js'
import { pythonClientSuite } from './support/python-suite.js'

/**
 * confluent-kafka for Python (Debian's python3-confluent-kafka, on
 * librdkafka) against the embedded broker, through
 * test/compat/clients/confluent_roundtrip.py: topics made with AdminClient,
 * records produced with explicit create times, Java-compatible partitioning
 * (`murmur2_random`) and idempotence off (test/compat/idempotence/ covers
 * it), read back with assign() from the beginning, offsets from
 * get_watermark_offsets and offsets_for_times.
 */
pythonClientSuite({
  name: 'confluent-kafka (Python)',
  availability: probePythonModule('confluent_kafka'),
  client: new PythonClient('confluent_roundtrip.py'),
  topicPrefix: 'confluent',
  // librdkafka's TIMESTAMP_CREATE_TIME
  createTimeType: 1,
})
