import { CredentialStore } from './credentials.js'
import { type ResolvedTls, resolveTls, type TlsOptions } from './tls-settings.js'
import { type UserSpec, validateUsers } from './users.js'

/** Authentication and encryption options of the broker. */
export interface SecurityOptions {
  /**
   * Users allowed to log in with SASL. Setting it turns authentication on:
   * a connection may then send only ApiVersions, SaslHandshake and
   * SaslAuthenticate until it has logged in. Default none (no authentication).
   */
  users?: readonly UserSpec[]
  /** Serve TLS instead of plain TCP (SSL, or SASL_SSL with `users`); mutual TLS with `ca`. Default none. */
  tls?: TlsOptions
}

/**
 * What the broker keeps of the security options: derived credentials, never
 * the clear passwords, and a ready TLS context.
 */
export interface ResolvedSecurityOptions {
  /** Undefined when authentication is off. */
  credentials: CredentialStore | undefined
  tls: ResolvedTls | undefined
}

export function resolveSecurityOptions(options: SecurityOptions): ResolvedSecurityOptions {
  return {
    credentials: options.users === undefined ? undefined : new CredentialStore(validateUsers(options.users)),
    tls: resolveTls(options.tls),
  }
}
