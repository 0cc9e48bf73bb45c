import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, extname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))

/**
 * Where `npm run build` puts the page (scripts/build-console.mjs): next to
 * the compiled CLI in dist/, which is also where the sources find it when
 * they run through tsx (tests, `npx tsx src/cli/main.ts`).
 */
export const ASSET_DIRS = [
  resolve(here, '../../console-assets'),
  resolve(here, '../../../dist/console-assets'),
]

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
}

export interface Asset {
  readonly body: Buffer
  readonly type: string
}

/**
 * The built page, read into memory once (a few hundred KiB): requests are
 * answered from this map only, so no path from a URL ever reaches the disk.
 * Empty when the page has not been built; the server then says how to build it.
 */
export function loadAssets(dirs: readonly string[] = ASSET_DIRS): {
  dir: string | null
  files: Map<string, Asset>
} {
  const dir = dirs.find((d) => existsSync(join(d, 'index.html'))) ?? null
  const files = new Map<string, Asset>()
  if (dir === null) return { dir, files }
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)]
    if (type) files.set(name, { body: readFileSync(join(dir, name)), type })
  }
  return { dir, files }
}
