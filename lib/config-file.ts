import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Node } from 'constructs';
import { CHANGE_CONFIG_KEYS } from './changes-config.js';
import { CONFIG_KEYS, configFromContext, type StackConfig } from './config.js';

/**
 * A stack's config can live in a file per stage, `config/<stage>.json`, next to CDK context
 * (`cdk.json`, `-c key=value`). The file is what a team reviews and keeps in git; `-c` overrides
 * one key for one run without editing it. `-c configFile=<path>` names another file.
 *
 * The file's values become context defaults of the app, so every construct that reads context
 * (lib/config.ts, lib/changes-config.ts) sees them, below anything given as context.
 */

/** Context key naming the config file explicitly. */
export const CONFIG_FILE_KEY = 'configFile';
/** Where the CDK app (bin/app.ts) looks up `config/<stage>.json`: the project's, whatever the cwd. */
export const CONFIG_DIR = fileURLToPath(new URL('../config/', import.meta.url));

/** Every key a config file may set: the stack config's, and those other constructs read. */
export const FILE_KEYS: ReadonlySet<string> = new Set<string>([
  ...CONFIG_KEYS,
  ...Object.values(CHANGE_CONFIG_KEYS),
]);

/** Only names that cannot climb out of the config folder are looked up as `<stage>.json`. */
const SAFE_STAGE = /^[a-z][a-z0-9-]{0,19}$/;

export interface LoadedStackConfig {
  readonly config: StackConfig;
  /** The file the config was read from, if any. */
  readonly file?: string;
}

/**
 * Reads the stage's config file into the app's context (keys given as context win) and returns
 * the validated stack config. Without a `configDir` only an explicit `configFile` is read, so
 * tests stay independent of an operator's files. Must run before the app has children (CDK
 * accepts context only then). Every error names the offending key, and the file when one was read.
 */
export function loadStackConfig(node: Node, configDir?: string): LoadedStackConfig {
  const explicit = node.tryGetContext(CONFIG_FILE_KEY);
  const stage = node.tryGetContext('stage');
  const file = configFilePath(explicit, stage, configDir);
  if (!file) return { config: configFromContext((key) => node.tryGetContext(key)) };

  const fromFile = readConfigFile(file);
  // `config/prod.json` saying `"stage": "dev"` is a copy-paste slip that would deploy the wrong stack.
  const stageLookedUp = stage ?? 'dev';
  if (explicit === undefined && fromFile.stage !== undefined && fromFile.stage !== stageLookedUp) {
    throw new Error(
      `Invalid Opsdesk stack config: stage: ${displayPath(file)} says "${String(fromFile.stage)}" ` +
        `but was read for stage "${String(stageLookedUp)}"`,
    );
  }
  for (const [key, value] of Object.entries(fromFile)) {
    if (node.tryGetContext(key) === undefined) node.setContext(key, value);
  }
  try {
    return { config: configFromContext((key) => node.tryGetContext(key)), file };
  } catch (error) {
    throw new Error(`${(error as Error).message} (config file ${displayPath(file)})`);
  }
}

function configFilePath(explicit: unknown, stage: unknown, configDir?: string): string | undefined {
  if (explicit !== undefined) {
    if (typeof explicit !== 'string' || explicit.trim() === '') {
      throw new Error(`Invalid Opsdesk stack config: ${CONFIG_FILE_KEY}: a path to a JSON file`);
    }
    const path = resolve(explicit);
    if (!existsSync(path)) {
      throw new Error(`Invalid Opsdesk stack config: ${CONFIG_FILE_KEY}: no such file ${explicit}`);
    }
    return path;
  }
  if (configDir === undefined) return undefined;
  const stageName = stage ?? 'dev';
  if (typeof stageName !== 'string' || !SAFE_STAGE.test(stageName)) return undefined; // the schema reports it
  const path = resolve(configDir, `${stageName}.json`);
  return existsSync(path) ? path : undefined;
}

/**
 * Reads a file of config keys. Unknown keys are errors here (unlike in CDK context, which also
 * holds CDK's own keys), so a misspelt key cannot silently fall back to its default.
 */
function readConfigFile(path: string): Record<string, unknown> {
  const where = displayPath(path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Invalid Opsdesk stack config: ${where} is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`Invalid Opsdesk stack config: ${where} must hold one JSON object of config keys`);
  }
  const unknown = Object.keys(parsed).filter((key) => !FILE_KEYS.has(key));
  if (unknown.length > 0) {
    const problems = unknown.map((key) => `${key}: not a config key`).join('; ');
    throw new Error(`Invalid Opsdesk stack config: ${problems} (config file ${where})`);
  }
  return parsed as Record<string, unknown>;
}

function displayPath(path: string): string {
  const fromCwd = relative(process.cwd(), path);
  return fromCwd.startsWith('..') ? path : fromCwd;
}
