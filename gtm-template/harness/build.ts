// Bundles the harness (src/main.ts and its modules) into one classic browser script.
import { build } from 'esbuild'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const HARNESS_ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'src', 'main.ts')

/** The harness as the text of one script, ready to serve as /gtm-harness.js. */
export async function buildHarness(): Promise<string> {
  const result = await build({
    entryPoints: [HARNESS_ENTRY],
    bundle: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    write: false,
    legalComments: 'none',
    banner: { js: '// Visitlog GTM harness: gtm-template/harness/README.md' }
  })
  return result.outputFiles[0].text
}
