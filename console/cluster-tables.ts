import { html } from 'htm/preact'
import type {
  ClusterView,
  GroupsView,
  GroupView,
  TopicsView,
  TopicView,
} from '../src/cli/console/console-api-types.js'
import { count } from './format.js'
import type { Polled } from './use-api.js'

function Problem(props: { polled: Polled<unknown> }) {
  return props.polled.error ? html`<p class="problem" role="alert">${props.polled.error}</p>` : null
}

export function Brokers(props: { polled: Polled<ClusterView> }) {
  const cluster = props.polled.data
  return html`<section aria-labelledby="brokers-title">
    <h2 id="brokers-title">Brokers</h2>
    <${Problem} polled=${props.polled} />
    ${
      cluster &&
      html`<p class="muted">cluster ${cluster.clusterId ?? '(no id)'} · controller ${cluster.controller}</p>
        <table data-testid="brokers">
          <thead><tr><th class="num">node</th><th>host</th><th class="num">port</th><th>rack</th></tr></thead>
          <tbody>
            ${cluster.brokers.map(
              (b) => html`<tr key=${b.nodeId}>
                <td class="num">${b.nodeId}</td><td>${b.host}</td><td class="num">${b.port}</td><td>${b.rack ?? '–'}</td>
              </tr>`,
            )}
          </tbody>
        </table>`
    }
  </section>`
}

function plural(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? '' : 's'}`
}

function records(topic: TopicView): number {
  return topic.partitions.reduce((sum, p) => sum + Math.max(0, p.latest - p.earliest), 0)
}

function Topic(props: { topic: TopicView }) {
  const { topic } = props
  return html`<details class="topic" data-topic=${topic.topic} open=${topic.partitions.length <= 12}>
    <summary>
      <strong>${topic.topic}</strong>${` · ${plural(topic.partitions.length, 'partition')} · ${count(records(topic))} records`}
    </summary>
    <table>
      <thead>
        <tr><th class="num">partition</th><th class="num">leader</th><th>replicas</th><th>in sync</th><th class="num">earliest</th><th class="num">latest</th></tr>
      </thead>
      <tbody>
        ${topic.partitions.map(
          (p) => html`<tr key=${p.partition}>
            <td class="num">${p.partition}</td>
            <td class="num">${p.leader < 0 ? 'none' : p.leader}</td>
            <td>${p.replicas.join(', ')}</td>
            <td>${p.isr.join(', ')}</td>
            <td class="num">${count(p.earliest)}</td>
            <td class="num">${count(p.latest)}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </details>`
}

export function Topics(props: { polled: Polled<TopicsView> }) {
  const view = props.polled.data
  return html`<section aria-labelledby="topics-title" data-testid="topics">
    <h2 id="topics-title">Topics</h2>
    <${Problem} polled=${props.polled} />
    ${view && view.topics.length === 0 && html`<p class="muted">No topics.</p>`}
    ${view?.topics.map((t) => html`<${Topic} key=${t.topic} topic=${t} />`)}
    ${view?.truncated && html`<p class="muted">Only the first ${view.topics.length} topics are listed.</p>`}
  </section>`
}

function shortMember(memberId: string | null): string {
  if (memberId === null) return '–'
  // member ids are client id + '-' + a UUID: the start tells them apart on screen
  return memberId.length > 28 ? `${memberId.slice(0, 28)}…` : memberId
}

function Group(props: { group: GroupView }) {
  const { group } = props
  return html`<article class="group" data-group=${group.groupId}>
    <h3>${group.groupId}</h3>
    <p class="muted">
      <span class=${`state state-${group.state}`} data-testid="group-state">${group.state || 'unknown'}</span>${` · ${group.protocol || 'no assignor'} · ${plural(group.members.length, 'member')} · lag `}<span data-testid="group-lag">${count(group.totalLag)}</span>
    </p>
    ${
      group.members.length > 0 &&
      html`<table class="members">
        <thead><tr><th>member</th><th>client id</th><th>host</th><th>partitions</th></tr></thead>
        <tbody>
          ${group.members.map(
            (m) => html`<tr key=${m.memberId}>
              <td title=${m.memberId}>${shortMember(m.memberId)}</td>
              <td>${m.clientId}</td>
              <td>${m.clientHost}</td>
              <td class="wrap">${m.assignment.map((a) => `${a.topic}-${a.partition}`).join(', ') || '–'}</td>
            </tr>`,
          )}
        </tbody>
      </table>`
    }
    ${
      group.partitions.length > 0 &&
      html`<table class="lag">
        <thead><tr><th>topic</th><th class="num">partition</th><th class="num">committed</th><th class="num">log end</th><th class="num">lag</th><th>member</th></tr></thead>
        <tbody>
          ${group.partitions.map(
            (p) => html`<tr key=${`${p.topic}-${p.partition}`}>
              <td>${p.topic}</td>
              <td class="num">${p.partition}</td>
              <td class="num">${p.committed < 0 ? '–' : count(p.committed)}</td>
              <td class="num">${count(p.logEnd)}</td>
              <td class="num">${p.lag === null ? '–' : count(p.lag)}</td>
              <td title=${p.memberId ?? ''}>${shortMember(p.memberId)}</td>
            </tr>`,
          )}
        </tbody>
      </table>`
    }
  </article>`
}

export function Groups(props: { polled: Polled<GroupsView> }) {
  const view = props.polled.data
  return html`<section aria-labelledby="groups-title" data-testid="groups">
    <h2 id="groups-title">Consumer groups</h2>
    <${Problem} polled=${props.polled} />
    ${view && view.groups.length === 0 && html`<p class="muted">No consumer groups.</p>`}
    ${view?.groups.map((g) => html`<${Group} key=${g.groupId} group=${g} />`)}
    ${view?.truncated && html`<p class="muted">Only the first ${view.groups.length} groups are listed.</p>`}
  </section>`
}
