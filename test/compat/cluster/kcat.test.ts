import { kcatClusterSuite } from './kcat-cluster.js'

/** Against the embedded 3-node test cluster; the scenario is in kcat-cluster.ts. */
kcatClusterSuite('embedded')
