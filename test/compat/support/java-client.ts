import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rename, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { javaCommand, KAFKA_LIBS, KAFKA_VERSION, kafkaAvailability } from '../../kafka/kafka-install.js'
import { type Availability, jsonLines, probe, runChecked } from './external-client.js'
import type { ReadRecord } from './workload.js'

/**
 * The Java client (kafka-clients, the release test/kafka/pom.xml pins, from
 * Maven Central) as a compatibility-suite client: test/compat/clients/JavaClient.java,
 * compiled with javac against the jars .ci/fetch-kafka puts in test/kafka/libs
 * and run as a child process that prints JSON lines.
 *
 * The classes are compiled once per source and class path into a directory
 * under the OS temp dir named by their hash, so test files and runs share
 * them and a changed source compiles afresh. Compiling goes to a scratch
 * directory renamed into place, so two test files compiling at once never
 * see half a build.
 */

const SOURCE = fileURLToPath(new URL('../clients/JavaClient.java', import.meta.url))
const MAIN_CLASS = 'JavaClient'

/** kafka-clients and what it needs at run time: the three codecs and the logging API (no binding: silent). */
const CLASSPATH_JARS = [/^kafka-clients-/, /^lz4-java-/, /^snappy-java-/, /^zstd-jni-/, /^slf4j-api-/]

/** Each run must end well within a test's time; the program's own timeout is below it, so it reports first. */
const RUN_MS = 45_000
const PROGRAM_TIMEOUT_S = '30'
const COMPILE_MS = 120_000

/** A short-lived JVM: quick start matters more than peak speed. */
const JVM_OPTIONS = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xmx512m']

function javacCommand(): string {
  const home = process.env.JAVA_HOME
  return home ? join(home, 'bin', 'javac') : 'javac'
}

let cachedAvailability: Availability | undefined

/** Java 17+, javac and the fetched jars: the same requirements as the reference Kafka, plus a compiler. */
export function javaClientAvailability(): Availability {
  cachedAvailability ??= checkAvailability()
  return cachedAvailability
}

function checkAvailability(): Availability {
  const kafka = kafkaAvailability()
  if (!kafka.available) return kafka
  const javac = probe(javacCommand(), ['-version'])
  if (!javac.available)
    return { available: false, reason: `a JDK is needed to compile the Java client: ${javac.reason}` }
  return { available: true, reason: '' }
}

function classpathJars(): string[] {
  const jars = readdirSync(KAFKA_LIBS).filter((f) => f.endsWith('.jar'))
  return CLASSPATH_JARS.map((pattern) => {
    const found = jars.filter((f) => pattern.test(f))
    if (found.length !== 1)
      throw new Error(
        `expected one jar matching ${pattern} in ${KAFKA_LIBS}, found ${found.join(', ') || 'none'}`,
      )
    return join(KAFKA_LIBS, found[0])
  })
}

let compiled: Promise<string> | undefined

/** The class path to run the client with, compiling it first when this source has not been compiled yet. */
function compiledClasspath(): Promise<string> {
  compiled ??= compile()
  return compiled
}

async function compile(): Promise<string> {
  const jars = classpathJars()
  const hash = createHash('sha256')
    .update(readFileSync(SOURCE))
    .update(jars.join('\n'))
    .digest('hex')
    .slice(0, 16)
  const classes = join(tmpdir(), `sluice-java-client-${KAFKA_VERSION}-${hash}`)
  if (!existsSync(join(classes, `${MAIN_CLASS}.class`))) {
    const scratch = await mkdtemp(join(tmpdir(), 'sluice-java-client-build-'))
    try {
      await runChecked(javacCommand(), ['-d', scratch, '-cp', jars.join(':'), '-Xlint:none', SOURCE], {
        timeoutMs: COMPILE_MS,
      })
      await rename(scratch, classes).catch((err: NodeJS.ErrnoException) => {
        // another test file compiled the same source first: theirs is as good
        if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err
      })
    } finally {
      await rm(scratch, { recursive: true, force: true })
    }
  }
  return [classes, ...jars].join(':')
}

export interface JavaCommandLine {
  readonly command: string
  readonly args: readonly string[]
}

/**
 * The command that runs the client with `args`, compiling it first if need
 * be: for modes that run until stopped (group-consume), which a test spawns
 * and watches itself.
 */
export async function javaClientCommand(args: readonly string[]): Promise<JavaCommandLine> {
  const classpath = await compiledClasspath()
  return { command: javaCommand(), args: [...JVM_OPTIONS, '-cp', classpath, MAIN_CLASS, ...args] }
}

async function runClient(args: readonly string[], input?: string) {
  const line = await javaClientCommand([...args, '--timeout', PROGRAM_TIMEOUT_S])
  const result = await runChecked(line.command, line.args, { input, timeoutMs: RUN_MS })
  return jsonLines<{ type: string }>(result.stdout)
}

interface RecordLine {
  type: 'record'
  partition: number
  offset: number
  timestamp: number
  timestampType: string
  key: string | null
  value: string | null
  headers: [string, string | null][]
}

export interface JavaDelivery {
  topic: string
  seq: number
  partition: number
  offset: number
}

function unb64(text: string | null): Buffer | null {
  return text === null ? null : Buffer.from(text, 'base64')
}

/** Keys as the program reads them from stdin: base64, one per line (an empty line is the empty key). */
function keyLines(keys: readonly Uint8Array[]): string {
  return keys.map((k) => `${Buffer.from(k).toString('base64')}\n`).join('')
}

/** Compiles the client now (a test file's beforeAll), so the first test does not pay for it. */
export async function prepareJavaClient(): Promise<void> {
  await compiledClasspath()
}

/** Every record of every partition of `topic`, read by a KafkaConsumer by assignment from the beginning. */
export async function javaConsume(
  bootstrap: string,
  topic: string,
): Promise<(ReadRecord & { timestampType: string })[]> {
  const lines = (await runClient(['consume', '--bootstrap', bootstrap, '--topic', topic])) as RecordLine[]
  return lines
    .filter((l) => l.type === 'record')
    .map((l) => ({
      partition: l.partition,
      offset: BigInt(l.offset),
      key: unb64(l.key),
      value: unb64(l.value),
      headers: l.headers.map(([name, value]) => [unb64(name)!.toString('utf8'), unb64(value)] as const),
      timestamp: l.timestamp,
      timestampType: l.timestampType,
    }))
}

/** For each partition count, the partition of every key by the Java producer's built-in partitioner. */
export async function javaKeyPartitions(
  keys: readonly Uint8Array[],
  counts: readonly number[],
): Promise<Map<number, number[]>> {
  const lines = (await runClient(
    ['partitions', '--counts', counts.join(',')],
    keyLines(keys),
  )) as unknown as {
    type: string
    count: number
    partitions: number[]
  }[]
  return new Map(lines.filter((l) => l.type === 'partitions').map((l) => [l.count, l.partitions]))
}

/** Sends every key to every topic through a KafkaProducer with default settings; its deliveries by topic, in key order. */
export async function javaProduce(
  bootstrap: string,
  topics: readonly string[],
  keys: readonly Uint8Array[],
): Promise<Map<string, JavaDelivery[]>> {
  const lines = (await runClient(
    ['produce', '--bootstrap', bootstrap, '--topics', topics.join(',')],
    keyLines(keys),
  )) as unknown as (JavaDelivery & { type: string })[]
  const out = new Map<string, JavaDelivery[]>(topics.map((t) => [t, []]))
  for (const { type, topic, seq, partition, offset } of lines) {
    if (type === 'delivery') out.get(topic)![seq] = { topic, seq, partition, offset }
  }
  return out
}
