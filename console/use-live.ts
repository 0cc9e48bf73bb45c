import { useEffect, useState } from 'preact/hooks'
import type { ConsoleSample } from '../src/cli/console/console-sample.js'

/** Points the page keeps for its charts: five minutes at one a second. */
const KEEP = 300

export interface Live {
  readonly samples: readonly ConsoleSample[]
  readonly connected: boolean
  /** The last reading the server could not make, cleared by the next good one. */
  readonly problem: string | undefined
}

/** The server's push (Server-Sent Events on /api/events): the history once, then a sample about every second. */
export function useLive(): Live {
  const [live, setLive] = useState<Live>({ samples: [], connected: false, problem: undefined })
  useEffect(() => {
    const source = new EventSource('/api/events')
    source.addEventListener('open', () => setLive((l) => ({ ...l, connected: true })))
    source.addEventListener('error', () => setLive((l) => ({ ...l, connected: false })))
    source.addEventListener('history', (e) => {
      const samples = JSON.parse((e as MessageEvent).data) as ConsoleSample[]
      setLive({ samples: samples.slice(-KEEP), connected: true, problem: undefined })
    })
    source.addEventListener('sample', (e) => {
      const sample = JSON.parse((e as MessageEvent).data) as ConsoleSample
      setLive((l) => ({ samples: [...l.samples, sample].slice(-KEEP), connected: true, problem: undefined }))
    })
    source.addEventListener('problem', (e) => {
      const { error } = JSON.parse((e as MessageEvent).data) as { error: string }
      setLive((l) => ({ ...l, problem: error }))
    })
    return () => source.close()
  }, [])
  return live
}
