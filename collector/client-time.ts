import { BATCH_ITEM_AGE_MAX_MS } from '../schemas/index.js'
import { CollectorError } from './errors.js'
import { parseTime } from './validate.js'

/** How far an item's time may lie after the batch's sent_at (a clock read twice can step). */
const FUTURE_TOLERANCE_MS = 60 * 1000

/**
 * A difference between sent_at and our receive time up to this much is transit time and the
 * jitter of a synchronised clock, not skew: such client times are kept as they are, so one
 * client's actions keep their order across batches (each batch's transit time differs).
 */
export const SKEW_TOLERANCE_MS = 2000

/**
 * The client's clock against ours, measured once per batch: the batch says when it was sent,
 * we know when it arrived. Past the tolerance the difference is taken as the client's skew (a
 * phone set minutes or hours wrong) and every client time of the batch is moved by it.
 */
export interface ClientClock {
  offsetMs: number
  sentAt: number
  receivedAt: number
}

export function clientClock(sentAt: string, receivedAt: number): ClientClock {
  const sent = parseTime(sentAt, 'body/sent_at')
  const offset = receivedAt - sent
  return { offsetMs: Math.abs(offset) <= SKEW_TOLERANCE_MS ? 0 : offset, sentAt: sent, receivedAt }
}

/**
 * A client time (checkItem has made sure it exists) on the collector's clock; never later than
 * the batch's arrival.
 */
export function correctTime(clock: ClientClock, raw: string): Date {
  const time = Date.parse(raw)
  const tooOld = time < clock.sentAt - BATCH_ITEM_AGE_MAX_MS
  const tooNew = time > clock.sentAt + FUTURE_TOLERANCE_MS
  if (Number.isNaN(time) || tooOld || tooNew) throw new CollectorError('CLIENT_TIME_OUT_OF_RANGE')
  return new Date(Math.min(time + clock.offsetMs, clock.receivedAt))
}
