import { messageCodec } from './codec.js'
import { ProtocolError } from './protocol-error.js'
import { Reader } from './reader.js'
import type { MessageInput, MessageOf, MessageSpec } from './schema.js'
import { Writer } from './writer.js'

/**
 * The consumer protocol (protocol type "consumer"): what members of a
 * consumer group put in JoinGroup's member metadata (their subscription) and
 * what the leader hands each member in SyncGroup (its assignment). Both are
 * an int16 version followed by a struct, never flexible. Kafka only ever
 * appends fields, so a newer version is read as the newest one known here
 * and the bytes after it are ignored, as the Java client does.
 */

/** v1 adds owned partitions (cooperative rebalancing, KIP-429); v2 the generation (KIP-792); v3 the rack (KIP-881). */
export const ConsumerProtocolSubscription = {
  apiKey: -1,
  name: 'ConsumerProtocolSubscription',
  type: 'data',
  validVersions: '0-3',
  flexibleVersions: 'none',
  fields: [
    { name: 'topics', type: '[]string', versions: '0+' },
    // Assignor-specific bytes (the sticky assignor's previous assignment in v0).
    { name: 'userData', type: 'bytes', versions: '0+', nullableVersions: '0+', default: null },
    // Partitions the member holds now, so the leader can keep them where they are.
    {
      name: 'ownedPartitions',
      type: '[]TopicPartition',
      versions: '1+',
      fields: [
        { name: 'topic', type: 'string', versions: '1+' },
        { name: 'partitions', type: '[]int32', versions: '1+' },
      ],
    },
    // Generation in which ownedPartitions were assigned; -1 when unknown.
    { name: 'generationId', type: 'int32', versions: '2+', default: -1 },
    { name: 'rackId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
  ],
} as const satisfies MessageSpec

export const ConsumerProtocolAssignment = {
  apiKey: -1,
  name: 'ConsumerProtocolAssignment',
  type: 'data',
  validVersions: '0-3',
  flexibleVersions: 'none',
  fields: [
    {
      name: 'assignedPartitions',
      type: '[]TopicPartition',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        { name: 'partitions', type: '[]int32', versions: '0+' },
      ],
    },
    { name: 'userData', type: 'bytes', versions: '0+', nullableVersions: '0+', default: null },
  ],
} as const satisfies MessageSpec

export type Subscription = MessageOf<typeof ConsumerProtocolSubscription>
export type Assignment = MessageOf<typeof ConsumerProtocolAssignment>

const NEWEST = 3

function encodeVersioned(spec: MessageSpec, version: number, value: object): Buffer {
  const w = new Writer(64)
  w.writeInt16(version)
  messageCodec(spec, version).encode(w, value)
  return Buffer.from(w.finish())
}

function decodeVersioned<T>(spec: MessageSpec, bytes: Uint8Array): { version: number; value: T } {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const r = new Reader(buffer)
  const version = r.readInt16()
  if (version < 0) throw new ProtocolError(`${spec.name} has negative version ${version}`)
  return { version, value: messageCodec(spec, Math.min(version, NEWEST)).decode(r) as T }
}

export function encodeSubscription(
  value: MessageInput<typeof ConsumerProtocolSubscription>,
  version = NEWEST,
): Buffer {
  return encodeVersioned(ConsumerProtocolSubscription, version, value)
}

export function decodeSubscription(bytes: Uint8Array): { version: number; value: Subscription } {
  return decodeVersioned(ConsumerProtocolSubscription, bytes)
}

export function encodeAssignment(
  value: MessageInput<typeof ConsumerProtocolAssignment>,
  version = NEWEST,
): Buffer {
  return encodeVersioned(ConsumerProtocolAssignment, version, value)
}

export function decodeAssignment(bytes: Uint8Array): { version: number; value: Assignment } {
  return decodeVersioned(ConsumerProtocolAssignment, bytes)
}
