import { Type, type Static } from 'typebox'

/** Any RFC 4122 layout of hex digits; case does not matter (ids are lower-cased on the way in). */
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'

/** ISO 8601 date and time with an explicit offset; a time without one is ambiguous and refused. */
export const DATE_TIME_PATTERN =
  '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|z|[+-]\\d{2}:\\d{2})$'

/**
 * The longest path parameter, as sent (percent-encoded): longer answers PATH_INVALID before
 * routing. An email in a path needs more than Fastify's default of 100.
 */
export const PATH_PARAMETER_MAX = 1024

export const Uuid = Type.String({ pattern: UUID_PATTERN, maxLength: 36 })
export type Uuid = Static<typeof Uuid>

export const DateTime = Type.String({ pattern: DATE_TIME_PATTERN, maxLength: 40 })
export type DateTime = Static<typeof DateTime>

export const Email = Type.String({ minLength: 3, maxLength: 320 })
export type Email = Static<typeof Email>

export const ServiceId = Type.Integer({ minimum: 1, maximum: 2147483647 })
export type ServiceId = Static<typeof ServiceId>

export const HttpUrl = Type.String({ minLength: 1, maxLength: 8192 })
export type HttpUrl = Static<typeof HttpUrl>

/** The six yes/no facts of a visit, named as the requirement's columns. */
export const FLAG_NAMES = [
  'is_click_platform',
  'is_click_personal_account',
  'is_write_to_support',
  'is_click_deposit_button',
  'is_click_contacts',
  'is_change_password'
] as const
export type FlagName = (typeof FLAG_NAMES)[number]

export const FlagName = Type.Union(FLAG_NAMES.map((name) => Type.Literal(name)))

export const Success = Type.Object({ success: Type.Literal(true) }, { additionalProperties: false })
export type Success = Static<typeof Success>

export const ErrorBody = Type.Object(
  {
    success: Type.Literal(false),
    error: Type.Object({
      code: Type.String({ maxLength: 64 }),
      message: Type.String({ maxLength: 2000 })
    })
  },
  { additionalProperties: false }
)
export type ErrorBody = Static<typeof ErrorBody>

export const SessionParams = Type.Object({ session_id: Uuid }, { additionalProperties: false })
export type SessionParams = Static<typeof SessionParams>
