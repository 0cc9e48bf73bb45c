import type { MessageSpec } from './schema.js'

/** One Kafka API: its key and the request and response schemas Sluice speaks. */
export interface ApiDefinition<Req extends MessageSpec = MessageSpec, Res extends MessageSpec = MessageSpec> {
  readonly key: number
  readonly name: string
  readonly request: Req
  readonly response: Res
}

export function defineApi<Req extends MessageSpec, Res extends MessageSpec>(
  name: string,
  request: Req,
  response: Res,
): ApiDefinition<Req, Res> {
  if (request.apiKey !== response.apiKey) {
    throw new Error(`${name}: request key ${request.apiKey} differs from response key ${response.apiKey}`)
  }
  if (request.validVersions !== response.validVersions) {
    throw new Error(`${name}: request versions ${request.validVersions} differ from response versions`)
  }
  return { key: request.apiKey, name, request, response }
}
