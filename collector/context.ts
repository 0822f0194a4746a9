import type {
  FastifyBaseLogger, FastifyInstance, FastifyRequest, RawReplyDefaultExpression, RawRequestDefaultExpression,
  RawServerDefault
} from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { DatabaseHandle } from './db/database.js'

/** What every route needs, handed to each route plugin instead of hidden in globals. */
export interface AppContext {
  database: DatabaseHandle
  clockSkewMs: number
  /** IP_TRUNCATE: store addresses shortened (issue 7). */
  ipTruncate: boolean
  isAdmin(request: FastifyRequest): boolean
  requireAdmin(request: FastifyRequest): Promise<void>
}

export type TypedApp = FastifyInstance<
  RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger,
  TypeBoxTypeProvider
>
