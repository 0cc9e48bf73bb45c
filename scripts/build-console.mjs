// Builds the web console's page (console/) into dist/console-assets/, where
// `sluice console` serves it from: one bundled main.js (preact, htm, uPlot and
// the page) and one main.css, so the page loads nothing from anywhere else.
// Run by `npm run build`; the console's tests run it too.
import { copyFile, mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'dist', 'console-assets')

await mkdir(out, { recursive: true })
await build({
  entryPoints: [join(root, 'console', 'main.ts')],
  outdir: out,
  bundle: true,
  format: 'esm',
  minify: true,
  target: ['chrome109', 'firefox115', 'safari16'],
  // the libraries' licence notices stay in the bundle
  legalComments: 'eof',
  logLevel: 'warning',
})
for (const file of ['index.html', 'favicon.svg']) await copyFile(join(root, 'console', file), join(out, file))
