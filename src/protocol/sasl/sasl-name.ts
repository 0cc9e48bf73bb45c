/**
 * SCRAM's saslname form (RFC 5802 section 5.1): user names travel with `,`
 * and `=` escaped as `=2C` and `=3D`. Shared by the broker, which decodes
 * client-first messages, and the client, which writes them.
 */

/** A saslname with `=2C` and `=3D` turned back into `,` and `=`; null if another `=` escape or NUL appears. */
export function decodeSaslName(text: string): string | null {
  if (text === '' || text.includes('\0')) return null
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c !== '=') {
      out += c
      continue
    }
    const escaped = text.slice(i + 1, i + 3)
    if (escaped === '2C') out += ','
    else if (escaped === '3D') out += '='
    else return null
    i += 2
  }
  return out
}

/** The inverse of decodeSaslName: what a client puts after `n=`. */
export function encodeSaslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C')
}
