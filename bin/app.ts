import { buildApp } from '../lib/app.js';

// Config comes from cdk.json and `-c key=value` (see lib/config.ts); cdk-nag runs during synth.
buildApp().app.synth();
