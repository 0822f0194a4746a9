import { Type, type Static } from 'typebox'
import { HttpUrl, Uuid } from './common.js'

/** Button text is checked again after trimming: 1 to 1000 characters must remain. */
export const BUTTON_TEXT_MAX = 1000

export const ButtonLogCreate = Type.Object(
  {
    button_text: Type.String({ minLength: 1, maxLength: 4000 }),
    url: Type.Optional(HttpUrl),
    event_id: Type.Optional(Uuid)
  },
  { additionalProperties: false }
)
export type ButtonLogCreate = Static<typeof ButtonLogCreate>
