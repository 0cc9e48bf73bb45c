import { beforeAll, it } from 'vitest'
import { describeGroupSuite } from '../../groups/support/group-suite.js'
import type { CompatTarget } from '../../support/broker.js'
import { allOf, probePythonModule } from '../../support/external-client.js'
import { type JavaCommandLine, javaClientAvailability, javaClientCommand } from '../../support/java-client.js'
import { mixedClients, type SharedAssignor } from './consumer-members.js'
import { mixedGroupHandover } from './mixed-group-scenario.js'

const availability = allOf(probePythonModule('confluent_kafka'), javaClientAvailability())

const SCENARIO_MS = 180_000
/** javac on a busy machine */
const COMPILE_MS = 150_000

/**
 * Groups of a Sluice consumer, a confluent-kafka consumer and a Java
 * KafkaConsumer sharing six partitions with `assignor`: three tests, each
 * with a different client joining first (and so leading) and a different
 * one leaving, so that every client computes an assignment for the others
 * and every client hands its partitions over.
 */
export function mixedGroupSuite(target: CompatTarget, assignor: SharedAssignor): void {
  describeGroupSuite(
    `Sluice, confluent-kafka and Java consumers in one ${assignor} group`,
    availability,
    target,
    (scenario) => {
      let java: JavaCommandLine | undefined
      beforeAll(async () => {
        java = await javaClientCommand([])
      }, COMPILE_MS)
      const clients = mixedClients(() => {
        if (!java) throw new Error('the Java client was not compiled')
        return java
      }, assignor)
      for (let first = 0; first < clients.length; first++) {
        // rotate the order: who joins first leads; a different one leaves each time (the leader in the first test)
        const order = [...clients.slice(first), ...clients.slice(0, first)]
        const leaver = first
        it(
          `${order[0].name} leads, ${order[leaver].name} leaves: each partition read by one member, none lost in the handover`,
          () => mixedGroupHandover(scenario(), assignor, order, leaver),
          SCENARIO_MS,
        )
      }
    },
  )
}
