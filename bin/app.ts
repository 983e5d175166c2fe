import { buildApp } from '../lib/app.js';
import { CONFIG_DIR } from '../lib/config-file.js';

// Config comes from config/<stage>.json, overridden by cdk.json and `-c key=value` (see
// lib/config.ts, lib/config-file.ts); cdk-nag runs during synth.
buildApp({ configDir: CONFIG_DIR }).app.synth();
