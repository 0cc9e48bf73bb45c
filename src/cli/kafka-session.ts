import { type Admin, Kafka } from '../client/index.js'
import { type ConnectionFlags, kafkaOptions } from './connection-options.js'

/** A Kafka client made from the connection options. */
export function kafkaFrom(flags: ConnectionFlags): Kafka {
  return new Kafka(kafkaOptions(flags))
}

/** Runs `work` with an admin client that is closed afterwards, whatever happens. */
export async function withAdmin<T>(flags: ConnectionFlags, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafkaFrom(flags).admin()
  try {
    return await work(admin)
  } finally {
    await admin.close()
  }
}
