import { html } from 'htm/preact'
import type { ClusterView, GroupsView, TopicsView } from '../src/cli/console/console-api-types.js'
import { Brokers, Groups, Topics } from './cluster-tables.js'
import { LivePanel } from './live-panel.js'
import { usePolled } from './use-api.js'
import { useLive } from './use-live.js'

/** Topics and groups change more slowly than the live figures: read every few seconds. */
const TABLES_EVERY_MS = 3000

export function App() {
  const live = useLive()
  const cluster = usePolled<ClusterView>('/api/cluster', 10_000)
  const topics = usePolled<TopicsView>('/api/topics', TABLES_EVERY_MS)
  const groups = usePolled<GroupsView>('/api/groups', TABLES_EVERY_MS)
  return html`<header>
      <h1>Sluice console</h1>
      <span class=${`connection ${live.connected ? 'up' : 'down'}`} data-testid="connection">
        ${live.connected ? 'live' : 'reconnecting…'}
      </span>
    </header>
    <main>
      ${live.problem && html`<p class="problem" role="alert">Live reading failed: ${live.problem}</p>`}
      <${LivePanel} samples=${live.samples} />
      <div class="columns">
        <div>
          <${Topics} polled=${topics} />
        </div>
        <div>
          <${Groups} polled=${groups} />
          <${Brokers} polled=${cluster} />
        </div>
      </div>
    </main>`
}
