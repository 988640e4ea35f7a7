#!/usr/bin/env node
// The `userdeck` command (DESIGN.md §8): runs cli/main.ts through tsx.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import(new URL('../cli/main.ts', import.meta.url).href);
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
