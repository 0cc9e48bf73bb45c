import { fileURLToPath } from 'node:url'
import { confluentMember, type MemberFactory } from '../../groups/support/group-member.js'
import type { JavaCommandLine } from '../../support/java-client.js'

/**
 * Members of a mixed consumer group, one per client, all configured with
 * the same assignor (a group agrees on one that every member offers) and
 * all printing the same event lines (test/compat/groups/support/group-member.ts).
 */

export type SharedAssignor = 'cooperative-sticky' | 'range'

const SLUICE_MEMBER = fileURLToPath(new URL('../clients/sluice-member.ts', import.meta.url))

export interface MixedClient {
  readonly name: 'sluice' | 'confluent-kafka' | 'java'
  readonly member: MemberFactory
}

export function sluiceMember(assignor: SharedAssignor): MemberFactory {
  return (bootstrap, group, topic) => ({
    client: 'sluice',
    command: process.execPath,
    args: ['--import', 'tsx', SLUICE_MEMBER, bootstrap, group, topic, assignor],
  })
}

/** `java` is the compiled client's command line, known once a beforeAll has compiled it. */
export function javaMember(java: () => JavaCommandLine, assignor: SharedAssignor): MemberFactory {
  return (bootstrap, group, topic) => {
    const { command, args } = java()
    return {
      client: 'java',
      command,
      args: [
        ...args,
        'group-consume',
        ...['--bootstrap', bootstrap, '--group', group, '--topic', topic],
        ...['--assignor', assignor, '--timeout', '180'],
      ],
    }
  }
}

/** The three clients in a fixed order; a test rotates it to choose who joins first. */
export function mixedClients(java: () => JavaCommandLine, assignor: SharedAssignor): MixedClient[] {
  return [
    { name: 'sluice', member: sluiceMember(assignor) },
    { name: 'confluent-kafka', member: confluentMember(assignor) },
    { name: 'java', member: javaMember(java, assignor) },
  ]
}
