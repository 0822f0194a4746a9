import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { Options } from 'tsup'

/**
 * The runtime's build: one minified IIFE for browsers since 2020 (ES2020: ?. and ?? stay as
 * they are), written to
 * gtm-template/build/vl.js (not committed). tsup.config.ts and the tests use the same options.
 */
export function runtimeOptions(root: string, outDir?: string): Options {
  return {
    entry: { vl: join(root, 'gtm-template/runtime/index.ts') },
    outDir: outDir ?? join(root, 'gtm-template', 'build'),
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    // terser packs about 3% tighter than esbuild's minifier, which matters under a 3 KB budget.
    // ascii_only keeps the script ASCII (U+FFFD stays "\ufffd") whatever charset it is read in.
    minify: 'terser',
    terserOptions: { ecma: 2020, toplevel: true, compress: { passes: 3 }, format: { ascii_only: true } },
    treeshake: true,
    sourcemap: false,
    dts: false,
    clean: false,
    silent: true,
    outExtension: () => ({ js: '.js' })
  }
}

const ROOT = join(import.meta.dirname, '..', '..')
export const RUNTIME_FILE = join(ROOT, 'gtm-template/build/vl.js')

/**
 * Builds the runtime from the current sources with tsup into a fresh directory (tests run in
 * parallel, so each builds its own) and returns the code with its gzipped size.
 */
export async function buildRuntime() {
  const { build } = await import('tsup')
  const outDir = mkdtempSync(join(tmpdir(), 'visitlog-runtime-'))
  try {
    await build({ ...runtimeOptions(ROOT, outDir), config: false })
    const code = readFileSync(join(outDir, 'vl.js'), 'utf8')
    return { code, gzipBytes: gzipSync(code, { level: 9 }).length }
  } finally {
    rmSync(outDir, { recursive: true, force: true })
  }
}
