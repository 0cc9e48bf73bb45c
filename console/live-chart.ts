import { html } from 'htm/preact'
import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import type { ConsoleSample } from '../src/cli/console/console-sample.js'
import { clock } from './format.js'

export interface ChartSeries {
  readonly label: string
  readonly color: string
  readonly value: (sample: ConsoleSample) => number | null
}

const HEIGHT = 180

function dataOf(samples: readonly ConsoleSample[], series: readonly ChartSeries[]): uPlot.AlignedData {
  // uPlot's time axis counts seconds
  return [samples.map((s) => s.at / 1000), ...series.map((line) => samples.map((s) => line.value(s)))]
}

/** A uPlot line chart of the live samples, redrawn (not rebuilt) as they come, as wide as its box. */
export function LiveChart(props: {
  title: string
  series: readonly ChartSeries[]
  samples: readonly ConsoleSample[]
  testId: string
}) {
  const box = useRef<HTMLDivElement>(null)
  const chart = useRef<uPlot | null>(null)

  useEffect(() => {
    const el = box.current
    if (!el) return
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: HEIGHT,
        series: [
          {},
          ...props.series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            points: { show: false },
          })),
        ],
        axes: [
          // whole seconds and up: the points are a second apart
          {
            incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300],
            values: (_u, ticks) => ticks.map((t) => clock(t * 1000)),
          },
          { size: 70 },
        ],
        scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        // the legend names the lines; the figures above say the latest values
        legend: { live: false },
      },
      dataOf(props.samples, props.series),
      el,
    )
    chart.current = plot
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }),
    )
    resize.observe(el)
    return () => {
      resize.disconnect()
      plot.destroy()
      chart.current = null
    }
  }, [])

  useEffect(() => {
    chart.current?.setData(dataOf(props.samples, props.series))
  }, [props.samples])

  return html`<figure class="chart" data-testid=${props.testId} data-points=${props.samples.length}>
    <figcaption>${props.title}</figcaption>
    <div ref=${box}></div>
  </figure>`
}
