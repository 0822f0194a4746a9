import { defineConfig } from 'tsup'
import { runtimeOptions } from './gtm-template/runtime/build.js'

// npm scripts run in the package root; the options are shared with the tests' in-process build.
export default defineConfig(runtimeOptions(process.cwd()))
