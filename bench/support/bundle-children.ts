import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'
import { KAFKA_LIBS } from '../../test/kafka/kafka-install.js'

/**
 * Turns benchmark children into programs that start like applications do.
 * The Node children are bundled to plain JavaScript (esbuild, the compiler
 * tsx itself uses) and run with bare `node`: under `node --import tsx` an
 * idle process already holds ~80 MB instead of ~40 MB, which would swamp
 * the memory figures. Packages stay external, loaded from node_modules as
 * an application would. Java children are compiled with javac against the
 * kafka-clients jar that .ci/fetch-kafka puts in test/kafka/libs.
 */

const repoRoot = dirname(dirname(dirname(fileURLToPath(import.meta.url))))
/** Under the repository so that the bundles resolve packages from its node_modules; ignored by git. */
export const BUNDLES_DIR = join(repoRoot, '.cache')

/**
 * src/version.ts reads ../package.json relative to itself, which from a
 * bundle elsewhere points nowhere; the bundle gets the version as a constant.
 */
const inlineVersion: Plugin = {
  name: 'inline-version',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]version\.ts$/ }, () => {
      const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
        version: string
      }
      return { contents: `export const VERSION = ${JSON.stringify(version)}`, loader: 'ts' }
    })
  },
}

/**
 * Bundles each entry point into .cache/<bench>/node/<name>.mjs and returns
 * the bundles by entry name (the file name without `.ts`).
 */
export async function bundleNodeChildren(
  bench: string,
  entryPoints: readonly string[],
): Promise<Record<string, string>> {
  const dir = join(BUNDLES_DIR, bench, 'node')
  mkdirSync(dir, { recursive: true })
  await build({
    entryPoints: [...entryPoints],
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    // readable names in CPU profiles; the bundle marks each module with a `// path` comment
    minify: false,
    logLevel: 'warning',
    plugins: [inlineVersion],
  })
  return Object.fromEntries(
    entryPoints.map((entry) => {
      const name = basename(entry, '.ts')
      return [name, join(dir, `${name}.mjs`)]
    }),
  )
}

function jar(prefix: string): string | undefined {
  if (!existsSync(KAFKA_LIBS)) return undefined
  const found = readdirSync(KAFKA_LIBS).find((f) => f.startsWith(prefix) && f.endsWith('.jar'))
  return found ? join(KAFKA_LIBS, found) : undefined
}

export interface JavaLaunch {
  command: string
  classpath: string
}

/** Compiles `sources` into .cache/<bench>/java; null with the reason when Java or the jars are missing. */
export function compileJava(
  bench: string,
  sources: readonly string[],
): { java: JavaLaunch | null; reason: string | null } {
  const clients = jar('kafka-clients-')
  if (!clients)
    return { java: null, reason: `no kafka-clients jar in ${KAFKA_LIBS} (run bash .ci/fetch-kafka)` }
  const javac = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'javac') : 'javac'
  const dir = join(BUNDLES_DIR, bench, 'java')
  mkdirSync(dir, { recursive: true })
  const compiled = spawnSync(javac, ['-d', dir, '-cp', clients, ...sources], { encoding: 'utf8' })
  if (compiled.error) return { java: null, reason: `${javac}: ${compiled.error.message}` }
  if (compiled.status !== 0) return { java: null, reason: `javac failed:\n${compiled.stderr}` }
  // slf4j-api alone: kafka-clients logs through it, and without a binding it logs nothing
  const slf4j = jar('slf4j-api-')
  const classpath = [dir, clients, ...(slf4j ? [slf4j] : [])].join(':')
  const command = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java'
  return { java: { command, classpath }, reason: null }
}
