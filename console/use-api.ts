import { useEffect, useState } from 'preact/hooks'

export interface Polled<T> {
  readonly data: T | undefined
  readonly error: string | undefined
  /** When the last answer came, ms since the epoch. */
  readonly at: number | undefined
}

/** GETs a JSON API path now and every `everyMs`, one request at a time; an error keeps the last data shown. */
export function usePolled<T>(path: string, everyMs: number): Polled<T> {
  const [state, setState] = useState<Polled<T>>({ data: undefined, error: undefined, at: undefined })
  useEffect(() => {
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const load = async () => {
      try {
        const res = await fetch(path, { cache: 'no-store' })
        const body = await res.json()
        if (stopped) return
        if (!res.ok) setState((s) => ({ ...s, error: String(body.error ?? res.statusText) }))
        else setState({ data: body as T, error: undefined, at: Date.now() })
      } catch (err) {
        if (!stopped)
          setState((s) => ({ ...s, error: `the console server does not answer (${String(err)})` }))
      }
      if (!stopped) timer = setTimeout(load, everyMs)
    }
    load()
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  }, [path, everyMs])
  return state
}
