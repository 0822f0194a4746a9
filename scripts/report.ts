// The report command: `npm run report -- clients|visits|client <email> [options]` (issue 5).
// Reads PostgreSQL when DATABASE_URL is set, else asks the running collector's admin API.
import { runReport } from './report/main.js'

const code = await runReport(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text)
})
process.exitCode = code
