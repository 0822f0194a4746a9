import type { Kysely } from 'kysely'
import { Compile } from 'typebox/compile'
import {
  BATCH_ITEM_SCHEMAS, type BatchItem, type BatchItemType, type BatchUpdate
} from '../schemas/index.js'
import { type ClientClock, correctTime } from './client-time.js'
import { insertButtonLog, insertUrlLog } from './db/log-queries.js'
import { createVisit, flagsOf, updateVisit } from './db/session-queries.js'
import type { Database } from './db/types.js'
import { CollectorError } from './errors.js'
import { buttonText, normalizeEmail, parseTime, requireHttpUrl } from './validate.js'

/** Everything an item needs besides itself: the visit, the request and the client's clock. */
export interface ItemTarget {
  db: Kysely<Database>
  sessionId: string
  clock: ClientClock
  ipAddress: string | null
  userAgent: string | undefined
  clockSkewMs: number
}

const validators = Object.fromEntries(
  Object.entries(BATCH_ITEM_SCHEMAS).map(([type, schema]) => [type, Compile(schema)])
) as Record<BatchItemType, ReturnType<typeof Compile>>

const ITEM_TYPES = Object.keys(BATCH_ITEM_SCHEMAS).join(', ')

/** Checks one item against the schema its type names; the message points at the field. */
export function checkItem(item: unknown, index: number): BatchItem {
  const where = `items/${index}`
  const type = typeof item === 'object' && item !== null ? (item as { type?: unknown }).type : undefined
  if (typeof type !== 'string' || !Object.hasOwn(validators, type)) {
    throw new CollectorError('BODY_INVALID', `${where}/type must be one of ${ITEM_TYPES}`)
  }

  const validator = validators[type as BatchItemType]
  if (validator.Check(item)) return withRealTimes(item as BatchItem, where)
  const errors = validator.Errors(item)
  const extra = errors.find((error) => error.keyword === 'additionalProperties')
  const names = (extra?.params as { additionalProperties?: string[] } | undefined)?.additionalProperties
  if (names) throw new CollectorError('BODY_INVALID', `${where}/${names[0]} is not a known field`)
  const [first] = errors
  const message = `${where}${first?.instancePath ?? ''} ${first?.message ?? 'is not valid'}`
  throw new CollectorError('BODY_INVALID', message)
}

/** An item whose times exist: the schema's pattern alone lets February 30 through. */
function withRealTimes(item: BatchItem, where: string) {
  parseTime(item.at, `${where}/at`)
  if (item.type === 'update' && item.logout_time !== undefined) {
    parseTime(item.logout_time, `${where}/logout_time`)
  }
  return item
}

/** Applies one item through the same queries as the single endpoints; answers its status. */
export async function applyItem(item: BatchItem, target: ItemTarget): Promise<200 | 201> {
  const { db, sessionId, clock } = target
  const at = correctTime(clock, item.at)

  switch (item.type) {
    case 'create': {
      const { created } = await createVisit(db, {
        session_id: sessionId,
        service_id: item.service,
        email: normalizeEmail(item.email),
        ip_address: target.ipAddress,
        user_agent: target.userAgent,
        login_time: at,
        flags: []
      })
      return created ? 201 : 200
    }
    case 'update':
      await applyUpdate(item, at, target)
      return 200
    case 'url': {
      const { created } = await insertUrlLog(db, sessionId, {
        url: requireHttpUrl(item.url),
        is_external_resource: item.is_external_resource,
        event_id: item.event_id.toLowerCase(),
        date: at
      })
      return created ? 201 : 200
    }
    case 'button': {
      const { created } = await insertButtonLog(db, sessionId, {
        button_text: buttonText(item.button_text),
        url: item.url === undefined ? undefined : requireHttpUrl(item.url),
        event_id: item.event_id.toLowerCase(),
        date: at
      })
      return created ? 201 : 200
    }
  }
}

async function applyUpdate(item: BatchUpdate, at: Date, target: ItemTarget) {
  const { type: _type, at: _at, ...fields } = item
  if (Object.keys(fields).length === 0) throw new CollectorError('BODY_EMPTY')

  await updateVisit(target.db, target.sessionId, {
    user_agent: item.user_agent,
    logout_time: item.logout_time === undefined ? undefined : correctTime(target.clock, item.logout_time),
    active_seconds: item.active_seconds,
    flags: flagsOf(item),
    at
  }, { earliestSkewMs: target.clockSkewMs })
}
