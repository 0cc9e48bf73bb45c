import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BUNDLES_DIR } from './bundle-children.js'
import { formatPercent, type Table } from './table.js'

/**
 * Reads the V8 CPU profiles the Sluice children wrote (--cpu-prof) and
 * lists the functions that spent most time themselves (self time, not
 * counting callees), which is where a client's CPU actually goes. The
 * children run as esbuild bundles, so a bundle position is mapped back to
 * the source module by the `// src/...` comment esbuild puts at the top of
 * each module it inlines.
 */

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
}

interface ProfileNode {
  id: number
  callFrame: CallFrame
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

/** For each bundle, the 0-based line where each inlined module starts, in order. */
const moduleStarts = new Map<string, { line: number; path: string }[]>()

function moduleOf(url: string, line: number): string {
  if (!url) return ''
  if (!url.startsWith('file://')) return url
  const file = fileURLToPath(url)
  if (!file.endsWith('.mjs') || !file.startsWith(BUNDLES_DIR)) return relative(repoRoot, file)
  let starts = moduleStarts.get(file)
  if (!starts) {
    starts = []
    const lines = readFileSync(file, 'utf8').split('\n')
    lines.forEach((text, i) => {
      const marker = /^\/\/ ((?:src|bench|test)\/\S+\.ts)$/.exec(text)
      if (marker) starts!.push({ line: i, path: marker[1] })
    })
    moduleStarts.set(file, starts)
  }
  let found = relative(repoRoot, file)
  for (const start of starts) {
    if (start.line > line) break
    found = start.path
  }
  return found
}

export interface HotFunction {
  name: string
  where: string
  selfMs: number
}

export interface ProfileSummary {
  files: number
  /** Sampled time, idle excluded. */
  totalMs: number
  top: HotFunction[]
}

/** Self time of every function over the profiles in `dir` whose names start with `prefix`. */
export function summarizeProfiles(dir: string, prefix: string, topCount: number): ProfileSummary {
  const files = readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.cpuprofile'))
  const self = new Map<string, HotFunction>()
  let totalMs = 0
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile
    const byId = new Map(profile.nodes.map((n) => [n.id, n]))
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id)?.callFrame
      if (!frame || frame.functionName === '(idle)') return
      const ms = (profile.timeDeltas[i] ?? 0) / 1000
      const where = frame.url ? `${moduleOf(frame.url, frame.lineNumber)}` : ''
      const name = frame.functionName || '(anonymous)'
      const key = `${name}\u0000${where}\u0000${frame.url ? frame.lineNumber : ''}`
      const entry = self.get(key) ?? { name, where, selfMs: 0 }
      entry.selfMs += ms
      self.set(key, entry)
      totalMs += ms
    })
  }
  const top = [...self.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, topCount)
  return { files: files.length, totalMs, top }
}

export function profileTable(title: string, summary: ProfileSummary): Table {
  return {
    title: `${title}: ${summary.files} profile(s), ${(summary.totalMs / 1000).toFixed(2)} s sampled (idle excluded)`,
    columns: [
      { header: 'self', align: 'right' },
      { header: 'share', align: 'right' },
      { header: 'function' },
      { header: 'module' },
    ],
    rows: summary.top.map((f) => [
      `${f.selfMs.toFixed(0)} ms`,
      formatPercent(f.selfMs / summary.totalMs),
      f.name,
      f.where,
    ]),
  }
}
