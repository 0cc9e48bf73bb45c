import { readFileSync } from 'node:fs'
import { type Command, Option } from 'commander'
import type { KafkaOptions, SaslMechanismName } from '../client/index.js'
import { integerArg } from './arguments.js'
import { UsageError } from './cli-errors.js'

export const DEFAULT_BROKERS = '127.0.0.1:9092'

/** What the connection options parse to (commander's camel-cased names). */
export interface ConnectionFlags {
  brokers: string
  clientId?: string
  tls?: boolean
  ca?: string
  cert?: string
  key?: string
  insecure?: boolean
  saslMechanism?: 'plain' | 'scram-sha-256' | 'scram-sha-512'
  saslUsername?: string
  saslPassword?: string
  connectionTimeoutMs?: number
  requestTimeoutMs?: number
  apiTimeoutMs?: number
  verbose?: boolean
}

/** Adds the options every client command shares: where Kafka is and how to log in. */
export function addConnectionOptions(command: Command): Command {
  return command
    .addOption(
      new Option('-b, --brokers <host:port,...>', 'bootstrap brokers')
        .env('SLUICE_BROKERS')
        .default(DEFAULT_BROKERS),
    )
    .option('--client-id <id>', 'client id sent with every request (default: sluice-cli)')
    .option('--tls', 'connect with TLS (implied by --ca, --cert, --key, --insecure)')
    .option('--ca <file>', 'PEM CA certificate(s) to verify the brokers with')
    .option('--cert <file>', 'PEM client certificate, for mutual TLS (with --key)')
    .option('--key <file>', 'PEM private key of --cert')
    .option('--insecure', 'TLS without verifying the broker certificate (testing only)')
    .addOption(
      new Option('--sasl-mechanism <mechanism>', 'SASL login').choices([
        'plain',
        'scram-sha-256',
        'scram-sha-512',
      ]),
    )
    .option('--sasl-username <name>', 'SASL user name')
    .addOption(
      new Option('--sasl-password <password>', 'SASL password (prefer the env variable)').env(
        'SLUICE_SASL_PASSWORD',
      ),
    )
    .option(
      '--connection-timeout-ms <ms>',
      'time to open a connection and find a broker (default 10000)',
      integerArg('--connection-timeout-ms', 1),
    )
    .option(
      '--request-timeout-ms <ms>',
      'time one request may wait for its answer (default 30000)',
      integerArg('--request-timeout-ms', 1),
    )
    .option(
      '--api-timeout-ms <ms>',
      'time a whole operation (an admin call, a metadata lookup) may take, retries included (default 30000)',
      integerArg('--api-timeout-ms', 1),
    )
    .option('--verbose', 'print the stack trace of an error, and client warnings')
}

function readPem(option: string, path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (err) {
    throw new UsageError(
      `${option}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    )
  }
}

/** Maps the connection options onto `new Kafka({...})`; bad combinations are usage errors naming the option. */
export function kafkaOptions(flags: ConnectionFlags): KafkaOptions {
  const options: KafkaOptions = {
    brokers: flags.brokers,
    clientId: flags.clientId ?? 'sluice-cli',
    // a CLI that fails should say so soon, not retry for a minute
    defaultApiTimeoutMs: flags.apiTimeoutMs ?? 30_000,
    logger: flags.verbose ? 'warn' : 'error',
  }
  if (flags.connectionTimeoutMs !== undefined) options.connectionTimeoutMs = flags.connectionTimeoutMs
  if (flags.requestTimeoutMs !== undefined) options.requestTimeoutMs = flags.requestTimeoutMs
  if (flags.key !== undefined && flags.cert === undefined) throw new UsageError('--key needs --cert')
  if (flags.cert !== undefined && flags.key === undefined) throw new UsageError('--cert needs --key')
  if (flags.tls || flags.ca || flags.cert || flags.insecure) {
    options.ssl = {
      ...(flags.ca !== undefined && { ca: readPem('--ca', flags.ca) }),
      ...(flags.cert !== undefined && { cert: readPem('--cert', flags.cert) }),
      ...(flags.key !== undefined && { key: readPem('--key', flags.key) }),
      ...(flags.insecure && { rejectUnauthorized: false }),
    }
  }
  if (flags.saslMechanism !== undefined) {
    if (!flags.saslUsername) throw new UsageError('--sasl-mechanism needs --sasl-username')
    if (!flags.saslPassword)
      throw new UsageError('--sasl-mechanism needs --sasl-password or SLUICE_SASL_PASSWORD')
    options.sasl = {
      mechanism: flags.saslMechanism.toUpperCase() as SaslMechanismName,
      username: flags.saslUsername,
      password: flags.saslPassword,
    }
  } else if (flags.saslUsername !== undefined) {
    throw new UsageError('--sasl-username needs --sasl-mechanism')
  }
  return options
}
