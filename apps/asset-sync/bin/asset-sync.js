#!/usr/bin/env node
// The built CLI lives in dist/ (made by `npm run build`, which `npm ci` runs through `prepare`).
// In the workspace, `npm run build` also bundles it into dist/bundle/main.js, which starts faster;
// it is used only when it is at least as new as the modules it was made from.
import { statSync } from 'node:fs';

const at = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundled = at('../dist/bundle/main.js') >= at('../dist/main.js');
const { main } = await import(bundled ? '../dist/bundle/main.js' : '../dist/main.js');

process.exitCode = await main(process.argv.slice(2));
