import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundleNodeChildren, compileJava, type JavaLaunch } from '../support/bundle-children.js'

/**
 * The consumer benchmark's children as programs that start like
 * applications do (see support/bundle-children.ts): the Node ones bundled
 * for bare `node`, the Java consumer compiled against kafka-clients. The
 * Sluice bundles hold src/ as it is in the working tree when the benchmark
 * starts.
 */

const here = dirname(fileURLToPath(import.meta.url))

export const NODE_CHILDREN = [
  'sluice-throughput',
  'kafkajs-throughput',
  'platformatic-throughput',
  'sluice-keyed',
  'kafkajs-keyed',
  'local-keyed',
  'sluice-overload',
  'latency-sluice',
  'latency-kafkajs',
  'latency-platformatic',
] as const
export type NodeChildName = (typeof NODE_CHILDREN)[number]

export interface BuiltChildren {
  node: Record<NodeChildName, string>
  java: JavaLaunch | null
  /** Why there is no Java consumer, when there is none. */
  javaMissing: string | null
}

export async function buildChildren(wantJava: boolean): Promise<BuiltChildren> {
  const node = (await bundleNodeChildren(
    'bench-consumer',
    NODE_CHILDREN.map((name) => join(here, 'children', `${name}.ts`)),
  )) as Record<NodeChildName, string>
  const { java, reason } = wantJava
    ? compileJava('bench-consumer', [join(here, 'java', 'ConsumerBench.java')])
    : { java: null, reason: 'not selected' }
  return { node, java, javaMissing: reason }
}
