#!/usr/bin/env node
import { Command } from 'commander'
import { VERSION } from '../version.js'

/** The `sluice` command line. Subcommands are added as the parts they drive land. */
export function buildProgram(): Command {
  return new Command('sluice')
    .description('Kafka for TypeScript with backpressure built in')
    .version(VERSION, '-v, --version')
    .showHelpAfterError()
}

await buildProgram().parseAsync(process.argv)
