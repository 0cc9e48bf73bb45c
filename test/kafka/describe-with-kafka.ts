import { describeWithClient } from '../compat/support/external-client.js'
import { kafkaAvailability } from './kafka-install.js'

/**
 * A describe block that needs the reference Kafka. Without Java 17+ or the
 * fetched jars it is skipped with a message on a developer machine and fails
 * under CI (CI=true), where .ci/run fetches them: a reference run that
 * quietly skips in CI would prove nothing.
 */
export function describeWithKafka(name: string, body: () => void): void {
  describeWithClient(name, kafkaAvailability(), body)
}
