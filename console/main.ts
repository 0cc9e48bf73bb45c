import 'uplot/dist/uPlot.min.css'
import './console.css'
import { html, render } from 'htm/preact'
import { App } from './app.js'

const root = document.getElementById('app')
if (root) {
  root.textContent = ''
  render(html`<${App} />`, root)
}
