#!/usr/bin/env node
import { Command } from 'commander'
import { VERSION } from '../version.js'
import { registerBrokerCommand } from './commands/broker.js'
import { registerConsoleCommand } from './commands/console.js'
import { registerConsumeCommand } from './commands/consume.js'
import { registerDemoCommand } from './commands/demo.js'
import { registerGroupsCommand } from './commands/groups.js'
import { registerProduceCommand } from './commands/produce.js'
import { registerTopicsCommand } from './commands/topics.js'

/** The `sluice` command line. */
export function buildProgram(): Command {
  const program = new Command('sluice')
    .description('Kafka for TypeScript with backpressure built in')
    .version(VERSION, '-v, --version')
    .showHelpAfterError()
  registerBrokerCommand(program)
  registerDemoCommand(program)
  registerTopicsCommand(program)
  registerGroupsCommand(program)
  registerProduceCommand(program)
  registerConsumeCommand(program)
  registerConsoleCommand(program)
  return program
}

await buildProgram().parseAsync(process.argv)
