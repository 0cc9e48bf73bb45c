import { html } from 'htm/preact'
import type { ConsoleSample } from '../src/cli/console/console-sample.js'
import { bytes, clock, count, percent, perSecond } from './format.js'
import { type ChartSeries, LiveChart } from './live-chart.js'

const RATES: ChartSeries[] = [
  { label: 'produced/s', color: '#2563eb', value: (s) => s.producedPerSecond },
  { label: 'consumed/s', color: '#16a34a', value: (s) => s.consumedPerSecond },
]
const LAG: ChartSeries[] = [{ label: 'lag (records)', color: '#dc2626', value: (s) => s.lag }]
const FILL: ChartSeries[] = [
  {
    label: 'consumer buffer %',
    color: '#9333ea',
    value: (s) =>
      s.backpressure &&
      percent(s.backpressure.consumerBufferedBytes, s.backpressure.consumerMaxBufferedBytes),
  },
  {
    label: 'producer buffer %',
    color: '#ea580c',
    value: (s) =>
      s.backpressure &&
      percent(s.backpressure.producerBufferBytesUsed, s.backpressure.producerBufferBytesTotal),
  },
]
const PAUSED: ChartSeries[] = [
  { label: 'paused partitions', color: '#0891b2', value: (s) => s.backpressure?.pausedPartitions ?? null },
]

function Figure(props: { label: string; value: string; testId: string }) {
  return html`<div class="figure">
    <div class="figure-value" data-testid=${props.testId}>${props.value}</div>
    <div class="figure-label">${props.label}</div>
  </div>`
}

function Gauge(props: { label: string; used: number; total: number; testId: string }) {
  const share = percent(props.used, props.total)
  const level = share >= 90 ? 'full' : share >= 60 ? 'high' : 'ok'
  return html`<div class="gauge" data-testid=${props.testId}>
    <div class="gauge-label">${props.label}</div>
    <div class="gauge-bar" role="meter" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${share}>
      <div class=${`gauge-fill ${level}`} style=${{ width: `${share}%` }}></div>
    </div>
    <div class="gauge-text">${bytes(props.used)} of ${bytes(props.total)} (${share}%)</div>
  </div>`
}

/** The demo's own counters that no chart shows: the breaker, drops, retries, the handler's pace. */
function DemoDetails(props: { sample: ConsoleSample }) {
  const live = props.sample.live
  if (!live) return null
  const { producer, consumer } = live
  const rows: [string, string][] = [
    ['breaker', consumer.breaker],
    ['overflow policy', consumer.overflow],
    ['members', count(consumer.members)],
    [
      'handler',
      `${count(consumer.handlerMs)} ms, ${count(consumer.inFlight)} in flight of ${count(consumer.concurrency)}`,
    ],
    ['producer target', perSecond(producer.targetRate)],
    ['producer waiting for room', count(producer.sendersWaiting)],
    ['acknowledged / processed', `${count(producer.acknowledged)} / ${count(consumer.processed)}`],
    ['dropped by policy', count(consumer.drops + producer.drops)],
    ['retries (producer / handler)', `${count(producer.retries)} / ${count(consumer.retries)}`],
    ['duplicates', count(consumer.duplicates)],
    ['RSS', bytes(live.process.rssBytes)],
  ]
  if (live.demo) {
    rows.splice(1, 0, [
      'breaker opened / closed',
      `${count(live.demo.breakerOpens)} / ${count(live.demo.breakerCloses)}`,
    ])
    rows.splice(2, 0, ['handler failing now', live.demo.failing ? 'yes (injected)' : 'no'])
    rows.push(['rebalances', count(live.demo.rebalances)])
  }
  return html`<table class="details" data-testid="demo-details">
    <tbody>
      ${rows.map(([k, v]) => html`<tr><th scope="row">${k}</th><td data-key=${k}>${v}</td></tr>`)}
    </tbody>
  </table>`
}

/** Live figures, charts and backpressure gauges from the server's push. */
export function LivePanel(props: { samples: readonly ConsoleSample[] }) {
  const { samples } = props
  const last = samples.at(-1)
  const gauges = last?.backpressure
  return html`<section class="live" aria-label="live">
    <div class="figures">
      <${Figure} label="produced per second" value=${last ? perSecond(last.producedPerSecond) : '–'} testId="produce-rate" />
      <${Figure} label="consumed per second" value=${last ? perSecond(last.consumedPerSecond) : '–'} testId="consume-rate" />
      <${Figure}
        label=${last?.source === 'demo' ? 'lag (acknowledged, not yet handled)' : 'lag (records past the commits)'}
        value=${last ? count(last.lag) : '–'}
        testId="lag"
      />
      <${Figure}
        label="paused partitions"
        value=${gauges ? `${gauges.pausedPartitions} of ${gauges.partitions}` : '–'}
        testId="paused"
      />
    </div>
    <p class="muted" data-testid="updated">
      ${last ? `${last.source === 'demo' ? 'from the demo' : 'polled from the cluster'}, last at ${clock(last.at)}` : 'waiting for the first reading…'}
    </p>
    <div class="charts">
      <${LiveChart} title="Produce and consume rates (records/s)" series=${RATES} samples=${samples} testId="chart-rates" />
      <${LiveChart} title="Lag (records)" series=${LAG} samples=${samples} testId="chart-lag" />
      ${
        gauges &&
        html`<${LiveChart} title="Buffer fill (% of budget)" series=${FILL} samples=${samples} testId="chart-fill" />
          <${LiveChart} title="Paused partitions" series=${PAUSED} samples=${samples} testId="chart-paused" />`
      }
    </div>
    <h2>Backpressure</h2>
    ${
      gauges
        ? html`<div class="gauges">
            <${Gauge}
              label="consumer buffer (fetched, not yet handled)"
              used=${gauges.consumerBufferedBytes}
              total=${gauges.consumerMaxBufferedBytes}
              testId="gauge-consumer"
            />
            <${Gauge}
              label="producer buffer (sent, not yet acknowledged)"
              used=${gauges.producerBufferBytesUsed}
              total=${gauges.producerBufferBytesTotal}
              testId="gauge-producer"
            />
          </div>
          <${DemoDetails} sample=${last} />`
        : html`<p class="muted" data-testid="no-gauges">
            Buffers live inside the process that runs the producer and the consumer; this console polls the cluster from
            outside, so it shows rates and lag. <code>sluice demo</code> serves a console with its buffers too.
          </p>`
    }
  </section>`
}
