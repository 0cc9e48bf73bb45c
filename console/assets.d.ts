// esbuild bundles imported stylesheets into main.css (scripts/build-console.mjs)
declare module '*.css'
