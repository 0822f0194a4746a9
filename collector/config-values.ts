/** Parsers for configuration values that are more than a whole number; undefined means invalid. */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000, sec: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hour: 3_600_000, hours: 3_600_000
}

/** "60000" (milliseconds), "1 minute", "30 s", "2h" as milliseconds. */
export function parseDuration(raw: string): number | undefined {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(raw.trim())
  if (!match) return undefined
  const unit = match[2].toLowerCase() || 'ms'
  const factor = UNIT_MS[unit]
  return factor === undefined ? undefined : Number(match[1]) * factor
}

const ON = ['on', 'true', 'yes', '1']
const OFF = ['off', 'false', 'no', '0', '']

/** A switch: on/true/yes/1 or off/false/no/0 (empty is off). */
export function parseSwitch(raw: string): boolean | undefined {
  const value = raw.trim().toLowerCase()
  if (ON.includes(value)) return true
  if (OFF.includes(value)) return false
  return undefined
}
