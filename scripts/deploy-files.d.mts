// Types of scripts/deploy-files.mjs (plain JavaScript so scripts/build.mjs runs it unbuilt).
export interface DockerCopy {
  from: string | null;
  sources: string[];
  destination: string | undefined;
}
export function dockerfileCopies(text: string): DockerCopy[];
export function stageWorkdir(text: string, stage: string): string;
export function missingBuildOutputs(distName: string, dockerfile?: string): string[];
export function dockerIgnored(file: string, ignoreText: string): boolean;
export function envExampleNames(text: string): string[];
export function readCompose(file?: string): unknown;
export function composeVariables(text: string): string[];
export function processEnvNames(dirs: string[]): string[];
