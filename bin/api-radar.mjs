#!/usr/bin/env node
// Entry point of the `api-radar` command: loads the TypeScript sources through tsx and runs the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../appliance/src/cli/cli.main.ts');
process.exitCode = await main(process.argv.slice(2));
