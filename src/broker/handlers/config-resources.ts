/**
 * What AlterConfigs (33) and IncrementalAlterConfigs (44) share: Kafka's
 * config resource types, the checks its brokers make on a whole request
 * before any resource is looked at, and the resolution of one resource to
 * what may change. Messages are Kafka 4.1's, found by sending it the same
 * requests; the README lists where the embedded broker answers otherwise.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import type { BrokerContext } from '../broker-context.js'
import type { ConfigRefusal } from '../topics/config-operations.js'
import type { Topic } from '../topics/topic.js'
import { invalidTopicNameReason } from '../topics/topic-name.js'

/** Kafka's ConfigResource.Type codes. */
export const ResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8, CLIENT_METRICS: 16, GROUP: 32 } as const

export interface AlterableResource {
  readonly resourceType: number
  readonly resourceName: string
  readonly configs: readonly {
    readonly name: string
    readonly value: string | null
    readonly configOperation?: number
  }[]
}

export interface ResourceResult {
  errorCode: number
  errorMessage: string | null
  resourceType: number
  resourceName: string
}

/** How one request alters one topic: the new overrides, or why not. */
export type TopicChange<R extends AlterableResource> = (
  topic: Topic,
  resource: R,
) => ReadonlyMap<string, string> | ConfigRefusal

interface AlterOptions<R extends AlterableResource> {
  readonly validateOnly: boolean
  /** IncrementalAlterConfigs: admits the resource types only it knows. */
  readonly incremental: boolean
  readonly change: TopicChange<R>
}

const DELETE_OPERATION = 1

const result = (r: AlterableResource, errorCode: number, errorMessage: string | null): ResourceResult => ({
  errorCode,
  errorMessage,
  resourceType: r.resourceType,
  resourceName: r.resourceName,
})

/**
 * Answers every resource of an AlterConfigs or IncrementalAlterConfigs
 * request, in request order.
 */
export function alterResources<R extends AlterableResource>(
  broker: BrokerContext,
  resources: readonly R[],
  options: AlterOptions<R>,
): ResourceResult[] {
  const seen = new Map<string, number>()
  const key = (r: AlterableResource) => `${r.resourceType}:${r.resourceName}`
  for (const r of resources) seen.set(key(r), (seen.get(key(r)) ?? 0) + 1)
  const results: ResourceResult[] = []
  for (const r of resources) {
    // Kafka 4.1 never answers a legacy AlterConfigs naming a resource twice (its response
    // builder throws); answering as IncrementalAlterConfigs does is the useful reading
    if ((seen.get(key(r)) ?? 0) > 1) {
      results.push(result(r, ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.'))
      continue
    }
    results.push(alterOne(broker, r, options))
  }
  return results
}

function alterOne<R extends AlterableResource>(
  broker: BrokerContext,
  r: R,
  options: AlterOptions<R>,
): ResourceResult {
  const names = r.configs.map((c) => c.name)
  if (new Set(names).size !== names.length)
    return result(r, ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys')
  const nulls = r.configs.filter((c) => c.value === null && c.configOperation !== DELETE_OPERATION)
  if (nulls.length > 0) {
    const listed = nulls.map((c) => c.name).join(', ')
    return result(r, ErrorCode.INVALID_REQUEST, `Null value not supported for : ${listed}`)
  }
  switch (r.resourceType) {
    case ResourceType.TOPIC:
      return alterTopic(broker, r, options)
    case ResourceType.BROKER:
      return brokerIdProblem(broker, r) ?? refuseStaticBrokerConfigs(r)
    case ResourceType.BROKER_LOGGER:
      if (!options.incremental) break
      // no logger of Kafka's (log4j) exists here to change the level of
      return (
        brokerIdProblem(broker, r) ??
        result(
          r,
          r.configs.length === 0 ? ErrorCode.NONE : ErrorCode.INVALID_CONFIG,
          r.configs.length === 0 ? null : `Logger ${r.configs[0].name} does not exist!`,
        )
      )
    case ResourceType.CLIENT_METRICS:
    case ResourceType.GROUP:
      if (!options.incremental) break
      return result(
        r,
        ErrorCode.INVALID_REQUEST,
        `Resource type ${r.resourceType === ResourceType.GROUP ? 'GROUP' : 'CLIENT_METRICS'} is not supported by the embedded broker`,
      )
  }
  return result(r, ErrorCode.INVALID_REQUEST, `Unknown resource type ${r.resourceType}`)
}

function alterTopic<R extends AlterableResource>(
  broker: BrokerContext,
  r: R,
  options: AlterOptions<R>,
): ResourceResult {
  const name = r.resourceName
  if (name === '') return result(r, ErrorCode.INVALID_REQUEST, 'Default topic resources are not allowed.')
  const nameProblem = invalidTopicNameReason(name)
  if (nameProblem) return result(r, ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem)
  const topic = broker.topics.get(name)
  if (!topic) return result(r, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`)
  const overrides = options.change(topic, r)
  if (!(overrides instanceof Map)) {
    const refusal = overrides as ConfigRefusal
    return result(r, ErrorCode[refusal.errorCode], refusal.message)
  }
  if (!options.validateOnly) {
    try {
      broker.topics.setOverrides(name, overrides)
    } catch (err) {
      broker.logger.error(`cannot store configs of topic ${name}: ${(err as Error).message}`)
      return result(r, ErrorCode.UNKNOWN_SERVER_ERROR, `The configs of ${name} could not be stored.`)
    }
    broker.logger.info(`configs of topic ${name} are now ${describeOverrides(overrides)}`)
  }
  return result(r, ErrorCode.NONE, null)
}

function describeOverrides(overrides: ReadonlyMap<string, string>): string {
  if (overrides.size === 0) return 'the defaults'
  return [...overrides].map(([k, v]) => `${k}=${v}`).join(', ')
}

/** A broker resource names this node or, with "", the cluster-wide defaults; Kafka's messages otherwise. */
function brokerIdProblem(broker: BrokerContext, r: AlterableResource): ResourceResult | null {
  const name = r.resourceName
  if (name === '') return null
  if (!/^-?\d+$/.test(name))
    return result(r, ErrorCode.INVALID_REQUEST, `Node id must be an integer, but it is: ${name}`)
  if (Number(name) !== broker.nodeId) {
    return result(
      r,
      ErrorCode.INVALID_REQUEST,
      `Unexpected broker id, expected ${broker.nodeId}, but received ${name}`,
    )
  }
  return null
}

/**
 * Kafka changes some broker settings at run time (dynamic broker configs);
 * this broker's are fixed when it starts, so any change is refused the way
 * Kafka refuses one of its static settings. An empty change list succeeds.
 */
function refuseStaticBrokerConfigs(r: AlterableResource): ResourceResult {
  if (r.configs.length === 0) return result(r, ErrorCode.NONE, null)
  const names = r.configs.map((c) => c.name).join(', ')
  return result(
    r,
    ErrorCode.INVALID_REQUEST,
    `Cannot update these configs dynamically: Set(${names}) (the embedded broker's settings are fixed when it starts)`,
  )
}
