import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Availability } from '../compat/support/external-client.js'

/**
 * Where the reference Kafka comes from: the jars .ci/fetch-kafka copies from
 * Maven Central into test/kafka/libs (pinned in test/kafka/pom.xml), run by
 * the `java` on PATH (or $JAVA_HOME/bin/java).
 */

const HERE = dirname(fileURLToPath(import.meta.url))

/** The pinned release; pom.xml says the same, and fetch-kafka copies exactly it. */
export const KAFKA_VERSION = '4.1.1'

/** Directory holding every jar of the broker's class path. */
export const KAFKA_LIBS = join(HERE, 'libs')

/** The broker's log4j2 configuration (log lines go to stdout, which the rig sends to a file). */
export const KAFKA_LOG_CONFIG = join(HERE, 'log4j2.properties')

/** Class path in the form `java -cp` expands itself: every jar in the folder. */
export const KAFKA_CLASSPATH = join(KAFKA_LIBS, '*')

export function javaCommand(): string {
  const home = process.env.JAVA_HOME
  return home ? join(home, 'bin', 'java') : 'java'
}

let cached: Availability | undefined
let banner = ''

/** What `java -version` printed (the JVM's version and build), once kafkaAvailability has run. */
export function javaBanner(): string {
  kafkaAvailability()
  return banner
}

/**
 * Whether a reference Kafka can run here: a Java 17+ runtime and the jars of
 * the pinned release. Checked once per process (a JVM start costs ~100 ms).
 */
export function kafkaAvailability(): Availability {
  cached ??= checkAvailability()
  return cached
}

function checkAvailability(): Availability {
  const java = spawnSync(javaCommand(), ['-version'], { encoding: 'utf8', timeout: 20_000 })
  if (java.error) return { available: false, reason: `${javaCommand()}: ${java.error.message}` }
  banner = `${java.stderr}${java.stdout}`
  // `openjdk version "17.0.15"`, `java version "21"`; Kafka 4 brokers need 17 or newer
  const major = Number(/version "(\d+)/.exec(banner)?.[1])
  if (!(major >= 17)) return { available: false, reason: `Kafka 4 needs Java 17+, found: ${banner.trim()}` }
  const jar = `kafka_2.13-${KAFKA_VERSION}.jar`
  if (!existsSync(join(KAFKA_LIBS, jar))) {
    return { available: false, reason: `${jar} is not in ${KAFKA_LIBS}; run .ci/fetch-kafka` }
  }
  const jars = readdirSync(KAFKA_LIBS).filter((f) => f.endsWith('.jar'))
  const stray = jars.find((f) => /^kafka_2\.13-/.test(f) && f !== jar)
  if (stray)
    return { available: false, reason: `${KAFKA_LIBS} holds another release (${stray}); run .ci/fetch-kafka` }
  return { available: true, reason: '' }
}
