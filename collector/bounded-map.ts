/**
 * Sets key → value in a map used as a bounded cache, forgetting the oldest entry first when it
 * already holds `limit`: the parsed User-Agents, rate-limit buckets, normalised Origin headers
 * and demo containers each keep their recent answers this way.
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, limit: number) {
  if (map.size >= limit && !map.has(key)) map.delete(map.keys().next().value as K)
  map.set(key, value)
}
