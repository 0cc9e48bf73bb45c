import { spawn } from 'node:child_process'
import { type LoggedRecord, parseRecords } from './record-log.js'

/**
 * The independent checker's eyes: kcat (librdkafka, not our code) reads the
 * whole topic from the beginning to its end and prints each record in the
 * record-log format, so what the broker really holds is compared with what
 * the producer says was acknowledged and what the consumers say they
 * processed, without trusting Sluice's consumer or the broker's own tools.
 */
export async function readTopic(
  bootstrap: string,
  topic: string,
  timeoutMs = 300_000,
): Promise<LoggedRecord[]> {
  const args = ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p %o %k %s\\n']
  const child = spawn('kcat', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const records: LoggedRecord[] = []
  let carry = ''
  let stderr = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    const text = carry + chunk
    const end = text.lastIndexOf('\n')
    carry = text.slice(end + 1)
    for (const r of parseRecords(text.slice(0, end + 1))) records.push(r)
  })
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => {
    stderr = `${stderr}${chunk}`.slice(-4000)
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const code = await new Promise<number | string>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (c, signal) => resolve(c ?? signal ?? -1))
  }).finally(() => clearTimeout(timer))
  if (code !== 0) throw new Error(`kcat reading ${topic} from ${bootstrap} ended with ${code}: ${stderr}`)
  return records
}
