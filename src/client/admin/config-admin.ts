import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import type { Cluster } from '../cluster/cluster.js'
import { InvalidArgumentError } from '../errors.js'
import type {
  AdminCallOptions,
  AlterConfigOperation,
  ConfigAlteration,
  ConfigResource,
  ConfigResourceType,
  ConfigSource,
  ResourceConfigs,
} from './admin-types.js'
import { checkTopicName } from './arguments.js'
import { CallDeadline, itemError } from './call-context.js'
import { connectionFor, perDestination } from './per-destination.js'
import { type Outcome, retryItems } from './retry-each.js'

/** Kafka's ConfigResource.Type codes. */
const RESOURCE_TYPE: Record<ConfigResourceType, number> = { topic: 2, broker: 4 }
const RESOURCE_NAME: Record<number, ConfigResourceType> = { 2: 'topic', 4: 'broker' }

/** DescribeConfigs' config sources, by code (ConfigSource in DescribeConfigsResponse.json). */
const SOURCES: readonly ConfigSource[] = [
  'unknown',
  'topic',
  'dynamic-broker',
  'dynamic-default-broker',
  'static-broker',
  'default',
  'dynamic-broker-logger',
  'client-metrics',
  'group',
]

const OPERATIONS: Record<AlterConfigOperation, number> = { set: 0, delete: 1, append: 2, subtract: 3 }

const resourceKey = (type: ConfigResourceType, name: string) => `${type}:${name}`

function checkResource(r: { type: unknown; name: unknown }, argument: string): void {
  if (r.type !== 'topic' && r.type !== 'broker') {
    throw new InvalidArgumentError(
      `${argument}.type`,
      `must be topic or broker, got ${JSON.stringify(r.type)}`,
    )
  }
  if (r.type === 'topic') checkTopicName(r.name, `${argument}.name`)
  else if (typeof r.name !== 'string' || !/^\d+$/.test(r.name)) {
    throw new InvalidArgumentError(
      `${argument}.name`,
      `a broker is named by its node id, got ${JSON.stringify(r.name)}`,
    )
  }
}

/**
 * Where a resource's config request goes: a broker's own configs to that
 * broker (only it knows its static settings), topics to any broker.
 */
function destination(type: ConfigResourceType, name: string): number | 'any' {
  return type === 'broker' ? Number(name) : 'any'
}

/** Topic or broker configs with their values and where each value comes from. */
export async function describeConfigs(
  cluster: Cluster,
  resources: readonly ConfigResource[],
  options: AdminCallOptions = {},
): Promise<ResourceConfigs[]> {
  resources.forEach((r, i) => {
    checkResource(r, `resources[${i}]`)
  })
  const byKey = new Map(resources.map((r) => [resourceKey(r.type, r.name), r]))
  const deadline = new CallDeadline(cluster, options)
  await cluster.connect()
  const results = await retryItems(
    cluster,
    byKey,
    (pending) =>
      perDestination(
        pending,
        (r) => resourceKey(r.type, r.name),
        (r) => destination(r.type, r.name),
        async (nodeId, list) => {
          const connection = await connectionFor(cluster, nodeId)
          const answer = await connection.request(Apis.DescribeConfigs, {
            resources: list.map((r) => ({
              resourceType: RESOURCE_TYPE[r.type],
              resourceName: r.name,
              configurationKeys: r.keys ? [...r.keys] : null,
            })),
            includeSynonyms: false,
            includeDocumentation: false,
          })
          const outcomes = new Map<string, Outcome<ResourceConfigs>>()
          for (const res of answer.results) {
            const type = RESOURCE_NAME[res.resourceType]
            if (!type) continue
            const key = resourceKey(type, res.resourceName)
            if (res.errorCode !== ErrorCode.NONE) {
              outcomes.set(key, {
                error: itemError(res.errorCode, { [type]: res.resourceName }, res.errorMessage),
              })
              continue
            }
            const configs = res.configs.map((c) => {
              const source =
                c.configSource >= 0
                  ? (SOURCES[c.configSource] ?? 'unknown')
                  : c.isDefault
                    ? 'default'
                    : 'unknown'
              return {
                name: c.name,
                value: c.value,
                source,
                isDefault: source === 'default' || c.isDefault,
                readOnly: c.readOnly,
                sensitive: c.isSensitive,
              }
            })
            configs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
            outcomes.set(key, { ok: { type, name: res.resourceName, configs } })
          }
          return outcomes
        },
      ),
    {
      operation: 'describeConfigs',
      timeoutMs: deadline.timeoutMs,
      fatal: (e) => (e as { code?: number }).code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    },
  )
  return resources.map((r) => results.get(resourceKey(r.type, r.name))!)
}

/**
 * Changes some configs of topics or brokers and leaves the others alone
 * (IncrementalAlterConfigs, KIP-339): `set` a value, `delete` back to the
 * default, `append` to or `subtract` from a list value.
 */
export async function incrementalAlterConfigs(
  cluster: Cluster,
  alterations: readonly ConfigAlteration[],
  options: AdminCallOptions & { validateOnly?: boolean } = {},
): Promise<void> {
  alterations.forEach((a, i) => {
    checkResource(a, `alterations[${i}]`)
    a.configs.forEach((c, j) => {
      const op = c.op ?? 'set'
      if (!(op in OPERATIONS)) {
        throw new InvalidArgumentError(
          `alterations[${i}].configs[${j}].op`,
          `must be set, delete, append or subtract`,
        )
      }
      if (op !== 'delete' && typeof c.value !== 'string') {
        throw new InvalidArgumentError(`alterations[${i}].configs[${j}].value`, `${op} needs a string value`)
      }
    })
  })
  const byKey = new Map(alterations.map((a) => [resourceKey(a.type, a.name), a]))
  const deadline = new CallDeadline(cluster, options)
  await cluster.connect()
  await retryItems(
    cluster,
    byKey,
    (pending) =>
      perDestination(
        pending,
        (a) => resourceKey(a.type, a.name),
        (a) => destination(a.type, a.name),
        async (nodeId, list) => {
          const connection = await connectionFor(cluster, nodeId)
          const answer = await connection.request(Apis.IncrementalAlterConfigs, {
            resources: list.map((a) => ({
              resourceType: RESOURCE_TYPE[a.type],
              resourceName: a.name,
              configs: a.configs.map((c) => ({
                name: c.name,
                configOperation: OPERATIONS[c.op ?? 'set'],
                value: (c.op ?? 'set') === 'delete' ? null : (c.value ?? null),
              })),
            })),
            validateOnly: options.validateOnly ?? false,
          })
          const outcomes = new Map<string, Outcome<true>>()
          for (const res of answer.responses) {
            const type = RESOURCE_NAME[res.resourceType]
            if (!type) continue
            const key = resourceKey(type, res.resourceName)
            outcomes.set(
              key,
              res.errorCode === ErrorCode.NONE
                ? { ok: true }
                : { error: itemError(res.errorCode, { [type]: res.resourceName }, res.errorMessage) },
            )
          }
          return outcomes
        },
      ),
    {
      operation: 'incrementalAlterConfigs',
      timeoutMs: deadline.timeoutMs,
      fatal: (e) => (e as { code?: number }).code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    },
  )
}
