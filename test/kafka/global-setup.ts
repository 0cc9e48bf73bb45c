import { ensureClassArchive } from './class-archive.js'
import { kafkaAvailability } from './kafka-install.js'
import { startKafka, TEST_JVM_OPTIONS } from './start-kafka.js'

/**
 * vitest globalSetup of `npm run test:kafka`: before any test file starts
 * a Kafka, the class data sharing archive every node then starts from
 * (class-archive.ts), made once per JVM and release. Without Java or the
 * jars there is nothing to do (the tests report that themselves); if making
 * it fails the run goes on, each JVM loading its classes from the jars.
 */
export async function setup(): Promise<void> {
  if (!kafkaAvailability().available) return
  try {
    console.log(
      await ensureClassArchive((option) => startKafka({ jvmOptions: [...TEST_JVM_OPTIONS, option] })),
    )
  } catch (err) {
    console.warn(`no Kafka class archive, JVMs load their classes from the jars: ${(err as Error).message}`)
  }
}
