import { jsonLines, PYTHON, runChecked } from '../support/external-client.js'
import type { RoundTrip, Security } from './sasl-suite.js'
import { TLS_FILES } from './secure-brokers.js'

/**
 * Runs the SASL scripts of the Python clients (confluent_sasl.py,
 * kafka_python_sasl.py beside this file), which take the same command line
 * (sasl_script.py) and print JSON lines.
 */

export interface ScriptLine {
  type: string
  key?: string
  value?: string
  name?: string
  str?: string
}

const RUN_MS = 30_000

/** The script options for `security`, one to one with the client's own settings. */
function securityArgs(security: Security): string[] {
  switch (security.protocol) {
    case 'PLAINTEXT':
      return ['--protocol', 'PLAINTEXT']
    case 'SSL':
      return ['--protocol', 'SSL', '--ca', TLS_FILES.ca, '--cert', security.cert, '--key', security.key]
    default:
      return [
        '--protocol',
        security.protocol,
        '--mechanism',
        security.mechanism,
        '--username',
        security.username,
        '--password',
        security.password,
        ...(security.protocol === 'SASL_SSL' ? ['--ca', TLS_FILES.ca] : []),
      ]
  }
}

/** Runs `script` in `mode` ('roundtrip' or 'denied'); `extra` options go last. */
export async function runSaslScript(
  script: string,
  mode: 'roundtrip' | 'denied',
  bootstrap: string,
  security: Security,
  topic: string,
  extra: string[] = [],
): Promise<ScriptLine[]> {
  const result = await runChecked(
    PYTHON,
    [script, mode, '--bootstrap', bootstrap, '--topic', topic, ...securityArgs(security), ...extra],
    { timeoutMs: RUN_MS },
  )
  return jsonLines<ScriptLine>(result.stdout)
}

/** The script's round trip: one line per acknowledged write, one per record read back. */
export async function scriptRoundTrip(
  script: string,
  bootstrap: string,
  security: Security,
  topic: string,
): Promise<RoundTrip> {
  const lines = await runSaslScript(script, 'roundtrip', bootstrap, security, topic)
  return {
    deliveries: lines.filter((l) => l.type === 'delivery').length,
    read: lines.filter((l) => l.type === 'record').map((l) => `${l.key}=${l.value}`),
  }
}
