/**
 * Thrown at construction when an option is invalid; names the option and the
 * reason. It lives apart from options.ts so that the files that check their
 * own options (auth, network limits, faults) can throw it without importing
 * the options they are part of: imports then run one way.
 */
export class BrokerConfigError extends Error {
  override readonly name = 'BrokerConfigError'
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid broker option ${key}: ${reason}`)
  }
}
