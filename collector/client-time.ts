import { BATCH_ITEM_AGE_MAX_MS } from '../schemas/index.js'
import { CollectorError } from './errors.js'

/** How far an item's time may lie after the batch's sent_at (a clock read twice can step). */
const FUTURE_TOLERANCE_MS = 60 * 1000

/**
 * The client's clock against ours, measured once per batch: the batch says when it was sent,
 * we know when it arrived. The difference holds the skew plus the time in transit, which is
 * small next to the skews this corrects (a phone set minutes or hours wrong).
 */
export interface ClientClock {
  sentAt: number
  receivedAt: number
}

export function clientClock(sentAt: string, receivedAt: number): ClientClock {
  const sent = Date.parse(sentAt)
  if (Number.isNaN(sent)) throw new CollectorError('BODY_INVALID', 'body/sent_at is not a valid time')
  return { sentAt: sent, receivedAt }
}

/** A client time moved onto the collector's clock; never later than the batch's arrival. */
export function correctTime(clock: ClientClock, raw: string): Date {
  const time = Date.parse(raw)
  const tooOld = time < clock.sentAt - BATCH_ITEM_AGE_MAX_MS
  const tooNew = time > clock.sentAt + FUTURE_TOLERANCE_MS
  if (Number.isNaN(time) || tooOld || tooNew) throw new CollectorError('CLIENT_TIME_OUT_OF_RANGE')
  return new Date(Math.min(time + clock.receivedAt - clock.sentAt, clock.receivedAt))
}
