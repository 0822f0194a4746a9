import { Type, type Static } from 'typebox'

/** What the admin page's sign-in form sends: the admin token, as typed. */
export const AdminSignIn = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false }
)
export type AdminSignIn = Static<typeof AdminSignIn>
