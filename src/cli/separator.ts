/** A separator option as typed in a shell: `\t` and `\n` mean tab and newline (a literal backslash pair otherwise). */
export function unescapeSeparator(value: string): string {
  return value.replace(/\\t/g, '\t').replace(/\\n/g, '\n')
}
