import type { Kysely } from 'kysely'
import { CollectorError } from '../errors.js'
import { UNIQUE_VIOLATION, sqlState } from './pg-errors.js'
import type { Database } from './types.js'

export async function addService(db: Kysely<Database>, serviceName: string) {
  return db
    .insertInto('service')
    .values({ service_name: serviceName })
    .returning(['id', 'service_name'])
    .executeTakeFirstOrThrow()
    .catch((error: unknown) => {
      if (sqlState(error) === UNIQUE_VIOLATION) throw new CollectorError('SERVICE_NAME_TAKEN')
      throw error
    })
}

export function listServices(db: Kysely<Database>) {
  return db.selectFrom('service').select(['id', 'service_name']).orderBy('id').execute()
}

/** Creates the named service unless one by that name exists; answers it either way. */
export async function ensureService(db: Kysely<Database>, serviceName: string) {
  // Look first: an insert that meets a conflict still uses up an id of the sequence, and the
  // collector ensures its demo service at every start.
  const existing = await findService(db, serviceName)
  if (existing) return existing

  await db
    .insertInto('service')
    .values({ service_name: serviceName })
    .onConflict((conflict) => conflict.column('service_name').doNothing())
    .execute()
  return findService(db, serviceName)
    .then((service) => service ?? Promise.reject(new Error('service vanished')))
}

function findService(db: Kysely<Database>, serviceName: string) {
  return db
    .selectFrom('service')
    .select(['id', 'service_name'])
    .where('service_name', '=', serviceName)
    .executeTakeFirst()
}
