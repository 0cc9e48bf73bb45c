import { describe, expect, it } from 'vitest'
import { runInProcess } from './support/in-process.js'
import { runCli } from './support/run-cli.js'

/** No broker is needed: each of these ends before connecting, or fails to connect. */
describe('sluice client commands: usage errors and exit codes', () => {
  const usageCases: [string, string[], RegExp][] = [
    ['a missing argument', ['topics', 'create'], /^sluice: missing required argument 'topic'/],
    ['a bad choice', ['produce', 't', '--acks', 'some'], /--acks.*some.*all, leader, none/],
    ['a bad number', ['consume', 't', '--count', 'x'], /--count must be an integer of at least 1, got "x"/],
    ['an unknown option', ['groups', 'list', '--colour'], /unknown option '--colour'/],
    [
      'a missing --to',
      ['groups', 'reset-offsets', 'g', '--topic', 't'],
      /needs one of --to or --to-datetime/,
    ],
    ['a bad broker address', ['topics', 'list', '--brokers', 'nope'], /invalid client option brokers\[0\]/],
    ['--key without --cert', ['topics', 'list', '--key', 'k.pem'], /--key needs --cert/],
    ['a bad --config', ['topics', 'create', 't', '--config', 'retention'], /--config must be key=value/],
    [
      'a missing CA file',
      ['topics', 'list', '--ca', '/nonexistent/ca.pem'],
      /--ca: cannot read \/nonexistent\/ca\.pem: ENOENT/,
    ],
    [
      '--sasl-mechanism without a password',
      ['topics', 'list', '--sasl-mechanism', 'plain', '--sasl-username', 'u'],
      /needs --sasl-password or SLUICE_SASL_PASSWORD/,
    ],
    [
      'a bad --from',
      ['consume', 't', '--from', 'yesterday'],
      /--from must be beginning, earliest, end, latest or an offset/,
    ],
    [
      '--from with --from-time',
      ['consume', 't', '--from', 'end', '--from-time', '2026-01-01T00:00:00Z'],
      /--from or --from-time, not both/,
    ],
  ]
  for (const [what, args, message] of usageCases) {
    it(`${what} gives one line on stderr and exit code 2`, async () => {
      const result = await runInProcess(args)
      expect(result.code).toBe(2)
      expect(result.stdout).toBe('')
      expect(result.stderr).toMatch(message)
      expect(result.stderr).toMatch(/^sluice: [^\n]+\n$/)
    })
  }

  it('--verbose adds the stack', async () => {
    const result = await runInProcess([
      'topics',
      'list',
      '-b',
      '127.0.0.1:1',
      '--connection-timeout-ms',
      '200',
      '--verbose',
    ])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^sluice: no bootstrap broker reachable[^\n]*\n.*\n\s+at /)
  })

  // the real binary: its exit codes and output as a shell sees them
  it('as a process: a usage error exits 2 with one line', async () => {
    const result = await runCli(['consume', 't', '--format', 'xml'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^sluice: option '--format <format>' argument 'xml' is invalid[^\n]+\n$/)
  })

  it('as a process: an unreachable broker exits 1 with one line, no stack', async () => {
    const result = await runCli([
      'topics',
      'list',
      '--brokers',
      '127.0.0.1:1',
      '--connection-timeout-ms',
      '300',
    ])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /^sluice: no bootstrap broker reachable within 300 ms: 127\.0\.0\.1:1 [^\n]+\n$/,
    )
  })

  it('as a process: --help describes a command and exits 0', async () => {
    const result = await runCli(['groups', 'reset-offsets', '--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/--to-datetime <iso>/)
    expect(result.stdout).toMatch(/--brokers <host:port,...>/)
    expect(result.stdout).toMatch(/--sasl-mechanism <mechanism>/)
  })
})
