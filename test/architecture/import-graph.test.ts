import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/**
 * The import graph of src/: no file reaches itself through its imports
 * (type-only imports count too, so that imports keep running one way), and
 * the layers depend as DESIGN.md says: protocol and flow on nothing of ours,
 * broker and client never on each other; metrics on client and flow only,
 * and nothing but cli on metrics.
 */

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

/** Each file's imports of other files of src/ (static, type-only, re-exports and dynamic), as paths relative to src/. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of sourceFiles(SRC)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    const local = importedFiles
      .map((f) => f.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => relative(SRC, resolve(dirname(file), name.replace(/\.js$/, '.ts'))))
    graph.set(relative(SRC, file), [...new Set(local)])
  }
  return graph
}

/** Every cycle's files, one cycle per strongly connected component (Tarjan), each listed in import order. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (file: string) => {
    index.set(file, next)
    low.set(file, next++)
    stack.push(file)
    onStack.add(file)
    for (const dep of graph.get(file) ?? []) {
      if (!graph.has(dep)) continue
      if (!index.has(dep)) {
        visit(dep)
        low.set(file, Math.min(low.get(file)!, low.get(dep)!))
      } else if (onStack.has(dep)) {
        low.set(file, Math.min(low.get(file)!, index.get(dep)!))
      }
    }
    if (low.get(file) !== index.get(file)) return
    const component: string[] = []
    let member: string
    do {
      member = stack.pop()!
      onStack.delete(member)
      component.push(member)
    } while (member !== file)
    const selfImport = graph.get(file)?.includes(file)
    if (component.length > 1 || selfImport) found.push(component.reverse())
  }
  for (const file of graph.keys()) if (!index.has(file)) visit(file)
  return found
}

const layerOf = (file: string) => file.split('/')[0]

describe('src/ import graph', () => {
  const graph = importGraph()

  it('reads the whole tree', () => {
    expect(graph.size).toBeGreaterThan(100)
    for (const layer of ['protocol', 'broker', 'client', 'flow', 'metrics', 'cli']) {
      expect(
        [...graph.keys()].some((f) => layerOf(f) === layer),
        layer,
      ).toBe(true)
    }
  })

  it('has no import cycle', () => {
    const described = cycles(graph).map((files) => files.join(' -> '))
    expect(described).toEqual([])
  })

  const forbidden: [string, (to: string) => boolean, string][] = [
    ['protocol', (to) => layerOf(to) !== 'protocol', 'protocol imports nothing of ours'],
    ['flow', (to) => layerOf(to) !== 'flow', 'flow imports nothing of ours'],
    ['broker', (to) => layerOf(to) === 'client', 'broker never imports client'],
    ['client', (to) => layerOf(to) === 'broker', 'client never imports broker'],
    // metrics reads clients (their metric types) and brokers through shapes of its own, so loading it loads no broker
    [
      'metrics',
      (to) => !['metrics', 'client', 'flow'].includes(layerOf(to)),
      'metrics imports only metrics, client and flow',
    ],
    ...(['protocol', 'flow', 'broker', 'client'] as const).map(
      (layer): [string, (to: string) => boolean, string] => [
        layer,
        (to) => layerOf(to) === 'metrics',
        `${layer} never imports metrics`,
      ],
    ),
  ]
  for (const [layer, isForbidden, rule] of forbidden) {
    it(rule, () => {
      const offending = [...graph]
        .filter(([from]) => layerOf(from) === layer)
        .flatMap(([from, deps]) => deps.filter(isForbidden).map((to) => `${from} -> ${to}`))
      expect(offending).toEqual([])
    })
  }

  it('finds a cycle when there is one (the check itself works)', () => {
    const looped = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ])
    expect(cycles(looped)).toEqual([['a.ts', 'b.ts', 'c.ts']])
  })
})
