#!/usr/bin/env node
// `npx beatsight <command>`: the CLI is TypeScript sharing lib/ with the app, run through tsx.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
