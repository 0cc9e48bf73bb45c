#!/usr/bin/env node
import { Command } from 'commander'
import { VERSION } from '../version.js'
import { registerBrokerCommand } from './commands/broker.js'

/** The `sluice` command line. */
export function buildProgram(): Command {
  const program = new Command('sluice')
    .description('Kafka for TypeScript with backpressure built in')
    .version(VERSION, '-v, --version')
    .showHelpAfterError()
  registerBrokerCommand(program)
  return program
}

await buildProgram().parseAsync(process.argv)
