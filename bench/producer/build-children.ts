import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundleNodeChildren, compileJava, type JavaLaunch } from '../support/bundle-children.js'

/**
 * The producer children as programs that start like applications do (see
 * support/bundle-children.ts): the Node ones bundled for bare `node`, the
 * Java producer compiled against kafka-clients.
 */

const here = dirname(fileURLToPath(import.meta.url))

export type NodeChildName = 'sluice' | 'kafkajs' | 'platformatic'

export interface BuiltChildren {
  node: Record<NodeChildName, string>
  /** Null when Java cannot run here, with the reason. */
  java: JavaLaunch | null
  javaMissing: string | null
}

export async function buildChildren(wantJava: boolean): Promise<BuiltChildren> {
  const names: NodeChildName[] = ['sluice', 'kafkajs', 'platformatic']
  const bundles = await bundleNodeChildren(
    'bench-producer',
    names.map((name) => join(here, 'children', `${name}-child.ts`)),
  )
  const node = Object.fromEntries(names.map((name) => [name, bundles[`${name}-child`]])) as Record<
    NodeChildName,
    string
  >
  const { java, reason } = wantJava
    ? compileJava('bench-producer', [join(here, 'java', 'ProducerBench.java')])
    : { java: null, reason: 'not selected' }
  return { node, java, javaMissing: reason }
}
