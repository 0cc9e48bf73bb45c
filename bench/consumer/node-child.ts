import type { Launch } from '../support/child-process.js'
import type { BuiltChildren, NodeChildName } from './build-children.js'

/**
 * How a Node child is launched: its bundle under bare `node` with its
 * config as the one argument, optionally writing a V8 CPU profile.
 */
export function nodeChild(
  built: BuiltChildren,
  name: NodeChildName,
  config: object,
  profile?: { dir: string; name: string },
): Launch {
  const flags = profile ? ['--cpu-prof', '--cpu-prof-dir', profile.dir, '--cpu-prof-name', profile.name] : []
  return {
    command: process.execPath,
    args: [...flags, built.node[name], JSON.stringify(config)],
    // kafkajs prints a notice about its v2 partitioner on every start otherwise
    env: { KAFKAJS_NO_PARTITIONER_WARNING: '1' },
  }
}
