import { Type, type Static } from 'typebox'
import { ButtonLogCreate } from './button-log.js'
import { DateTime, Email, ErrorBody, ServiceId, Uuid } from './common.js'
import { SessionUpdate } from './session.js'
import { UrlLogCreate } from './url-log.js'

/**
 * One request from the browser runtime carrying several actions of one visit (the session id is
 * in the path). Every item says when it happened on the client's clock (`at`); the batch says
 * when it was sent (`sent_at`). The collector moves every client time by its own receive time
 * minus `sent_at`, which cancels the client's clock skew.
 */
export const BATCH_ITEMS_MAX = 100

/** How far back an item's client time may lie before `sent_at`; older items are refused. */
export const BATCH_ITEM_AGE_MAX_MS = 7 * 24 * 3600 * 1000

const at = DateTime

/** Starts the visit; the service and email are those of POST /api/session/. */
export const BatchCreate = Type.Object(
  { type: Type.Literal('create'), at, service: ServiceId, email: Email },
  { additionalProperties: false }
)

/** New facts about the visit, as PUT /api/session/:id/; flags take `at` as their time. */
export const BatchUpdate = Type.Object(
  { type: Type.Literal('update'), at, ...SessionUpdate.properties },
  { additionalProperties: false }
)

export const BatchUrl = Type.Object(
  { type: Type.Literal('url'), at, ...UrlLogCreate.properties, event_id: Uuid },
  { additionalProperties: false }
)

export const BatchButton = Type.Object(
  { type: Type.Literal('button'), at, ...ButtonLogCreate.properties, event_id: Uuid },
  { additionalProperties: false }
)

/** Each item is checked on its own against the schema its `type` names. */
export const BATCH_ITEM_SCHEMAS = {
  create: BatchCreate,
  update: BatchUpdate,
  url: BatchUrl,
  button: BatchButton
} as const
export type BatchItemType = keyof typeof BATCH_ITEM_SCHEMAS

export type BatchCreate = Static<typeof BatchCreate>
export type BatchUpdate = Static<typeof BatchUpdate>
export type BatchUrl = Static<typeof BatchUrl>
export type BatchButton = Static<typeof BatchButton>
export type BatchItem = BatchCreate | BatchUpdate | BatchUrl | BatchButton

/**
 * The envelope. Items are only bounded here: a malformed item is answered in its own result
 * and does not sink the others. A malformed envelope answers 400 as a whole.
 */
export const Batch = Type.Object(
  {
    sent_at: DateTime,
    /** Items the runtime had to drop from its full queue since its last accepted batch. */
    // Only counted and logged; a runtime that kept dropping must not have every later batch refused.
    dropped: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    items: Type.Array(Type.Unknown(), { minItems: 1, maxItems: BATCH_ITEMS_MAX })
  },
  { additionalProperties: false }
)
export type Batch = Static<typeof Batch>

/**
 * One answer per item, in order: 201 stored, 200 already stored (a retry), 4xx refused for
 * good (never retry), 5xx not applied (retry later).
 */
export const BatchItemResult = Type.Object(
  {
    status: Type.Integer({ minimum: 200, maximum: 599 }),
    error: Type.Optional(ErrorBody.properties.error)
  },
  { additionalProperties: false }
)
export type BatchItemResult = Static<typeof BatchItemResult>

export const BatchResult = Type.Object(
  {
    success: Type.Literal(true),
    results: Type.Array(BatchItemResult, { maxItems: BATCH_ITEMS_MAX })
  },
  { additionalProperties: false }
)
export type BatchResult = Static<typeof BatchResult>
