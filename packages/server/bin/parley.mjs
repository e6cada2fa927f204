#!/usr/bin/env node
// `parley` — the operator's command line. The server runs TypeScript through tsx with no
// build step; so does this: register tsx's loader, then run the CLI in this process.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
