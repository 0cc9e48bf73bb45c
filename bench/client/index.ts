import { startBroker } from '../../src/broker/index.js'
import { measureOptionsFromEnv } from '../support/measure.js'
import { printTable } from '../support/table.js'
import { benchAdminRoundTrips, connectClients } from './admin-round-trips.js'

/** The client benchmark: the admin client's request path against kafkajs and @platformatic/kafka. */
export async function run(): Promise<void> {
  const options = measureOptionsFromEnv()
  const broker = await startBroker({ port: 0, logger: 'silent' })
  const clients = await connectClients(broker)
  try {
    printTable(await benchAdminRoundTrips(clients, options))
  } finally {
    await clients.close()
    await broker.close()
  }
}
