import { BrokerConfigError } from '../config-error.js'
import { FaultInjector } from './fault-injector.js'

/** The broker options this file reads; `faults` is the hook object that `faultInjection` replaced. */
interface FaultOptionInput {
  readonly faultInjection?: unknown
  readonly faults?: unknown
}

/**
 * Resolves the `faultInjection` option: a fresh FaultInjector when it is
 * true, undefined (and no fault code on any path) otherwise. Only `true`
 * itself enables it, so no string from a config file or a command line can.
 */
export function resolveFaultInjection(options: FaultOptionInput): FaultInjector | undefined {
  if (options.faults !== undefined) {
    throw new BrokerConfigError(
      'faults',
      'was replaced by faultInjection: true, which gives the test controls on running.faults',
    )
  }
  const value = options.faultInjection
  if (value === undefined || value === false) return undefined
  if (value !== true)
    throw new BrokerConfigError('faultInjection', `must be true or false, got ${String(value)}`)
  return new FaultInjector()
}
