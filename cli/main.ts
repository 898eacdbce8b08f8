// Dispatches `beatsight <command> …` to cli/commands/<command>.ts. Each command module exports
// `run(args, io)` and a one-line `summary`; it returns the process exit code.
import type { CliIo } from "./io.ts";
import { processIo } from "./io.ts";

export interface CliCommand {
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

const commands: Record<string, () => Promise<CliCommand>> = {
  fingerprint: () => import("./commands/fingerprint.ts").then((m) => m.command),
  convert: () => import("./commands/convert.ts").then((m) => m.command),
  transcribe: () => import("./commands/transcribe.ts").then((m) => m.command),
  separate: () => import("./commands/separate.ts").then((m) => m.command),
};

async function printHelp(io: CliIo): Promise<void> {
  io.out("Usage: beatsight <command> [options]\n\nCommands:");
  for (const [name, load] of Object.entries(commands)) {
    io.out(`  ${name.padEnd(12)} ${(await load()).summary}`);
  }
  io.out("\nRun `beatsight <command> --help` for a command's options.");
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    await printHelp(io);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    io.err(`beatsight: unknown command "${name}". Run \`beatsight --help\` to list commands.`);
    return 2;
  }
  const command = await load();
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    io.err(`beatsight ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
