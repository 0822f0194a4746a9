import { Type, type Static } from 'typebox'
import { FlagName, ServiceId } from './common.js'

/**
 * Commands that the GTM template (or a page's own code) hands to the browser runtime. The
 * template pushes them onto the page's `visitlogQueue` array (GTM's createQueue); the runtime
 * processes what was queued before it loaded, in order, then every later push. Without GTM the
 * same objects go to `window.visitlog(command)`.
 *
 * Every command names its service and, when known, the client's email; the runtime never sends
 * anything for a visitor without an email. `collector` is the collector's origin; the runtime
 * falls back to the origin it was loaded from.
 */
const base = {
  service: ServiceId,
  email: Type.Optional(Type.String({ maxLength: 320 })),
  collector: Type.Optional(Type.String({ maxLength: 2048 })),
  /** Minutes without activity after which the next action starts a new visit (default 30). */
  inactivity_minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
  debug: Type.Optional(Type.Boolean())
}

/** Start or continue the visit and log the page (page view or history change). */
export const PageCommand = Type.Object({
  command: Type.Literal('page'),
  ...base,
  url: Type.Optional(Type.String({ maxLength: 8192 }))
})

/** A link was clicked; the runtime decides is_external_resource from the hosts. */
export const LinkCommand = Type.Object({
  command: Type.Literal('link'),
  ...base,
  url: Type.String({ maxLength: 8192 }),
  text: Type.Optional(Type.String({ maxLength: 4000 }))
})

/** A button (or any clickable element) was pressed; url is the page it was pressed on. */
export const ButtonCommand = Type.Object({
  command: Type.Literal('button'),
  ...base,
  text: Type.String({ maxLength: 4000 }),
  url: Type.Optional(Type.String({ maxLength: 8192 }))
})

/** One of the six yes/no facts became true. */
export const FlagCommand = Type.Object({
  command: Type.Literal('flag'),
  ...base,
  flag: FlagName
})

/** The visit ends now (for example on logout): logout_time is sent and the next action starts a new visit. */
export const EndCommand = Type.Object({ command: Type.Literal('end'), ...base })

export const RuntimeCommand = Type.Union([PageCommand, LinkCommand, ButtonCommand, FlagCommand, EndCommand])
export type RuntimeCommand = Static<typeof RuntimeCommand>

/** The window property GTM's createQueue fills, and the global function for pages without GTM. */
export const QUEUE_NAME = 'visitlogQueue'
export const GLOBAL_FUNCTION = 'visitlog'

/** Where the collector serves the runtime; versioned so it can be cached for a year. */
export const RUNTIME_PATH = '/assets/v1/vl.js'
