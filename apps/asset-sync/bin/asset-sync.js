#!/usr/bin/env node
// The built CLI lives in dist/ (made by `npm run build`, which `npm ci` runs through `prepare`).
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2));
