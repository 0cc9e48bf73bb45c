import { emitKeypressEvents } from 'node:readline'

export type DemoAction =
  | 'faster'
  | 'slower'
  | 'faster-handler'
  | 'slower-handler'
  | 'toggle-failures'
  | 'next-overflow'
  | 'add-consumer'
  | 'remove-consumer'
  | 'quit'

/** Which key does what (the view's help line says the same). */
export function actionFor(key: { name?: string; sequence?: string; ctrl?: boolean }): DemoAction | undefined {
  if (key.ctrl && key.name === 'c') return 'quit'
  switch (key.sequence) {
    case '+':
    case '=':
      return 'faster'
    case '-':
    case '_':
      return 'slower'
  }
  switch (key.name) {
    case 'f':
      return 'faster-handler'
    case 's':
      return 'slower-handler'
    case 'x':
      return 'toggle-failures'
    case 'o':
      return 'next-overflow'
    case 'a':
      return 'add-consumer'
    case 'r':
      return 'remove-consumer'
    case 'q':
    case 'escape':
      return 'quit'
  }
  return undefined
}

/**
 * Reads single keys from a TTY in raw mode and calls `onAction`. Returns
 * the function that gives the terminal back as it was (cooked mode, stdin
 * released so the process can exit); call it on every way out.
 */
export function listenForKeys(stdin: NodeJS.ReadStream, onAction: (action: DemoAction) => void): () => void {
  emitKeypressEvents(stdin)
  const wasRaw = stdin.isRaw
  stdin.setRawMode(true)
  const onKey = (_text: string | undefined, key: { name?: string; sequence?: string; ctrl?: boolean }) => {
    const action = key && actionFor(key)
    if (action) onAction(action)
  }
  stdin.on('keypress', onKey)
  stdin.resume()
  let restored = false
  return () => {
    if (restored) return
    restored = true
    stdin.off('keypress', onKey)
    stdin.setRawMode(wasRaw)
    stdin.pause()
  }
}
