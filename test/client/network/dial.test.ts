import { describe, expect, it } from 'vitest'
import { ConnectionError } from '../../../src/client/errors.js'
import { defaultSocketFactory } from '../../../src/client/network/dial.js'

describe('dialing a broker', () => {
  // a damaged Metadata answer named port 3580523: Node threw a RangeError out of the client
  it('reports a port out of range as a ConnectionError, for TCP and TLS', async () => {
    for (const ssl of [undefined, {}]) {
      const dialed = defaultSocketFactory(
        { host: '127.0.0.1', port: 3_580_523 },
        { ssl, signal: new AbortController().signal },
      )
      const error = await dialed.catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ConnectionError)
      expect((error as Error).message).toMatch(/cannot connect: .*Port should be >= 0 and < 65536/)
    }
  })
})
