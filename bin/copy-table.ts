/**
 * `npx tsx bin/copy-table.ts --from <restored table> --to <stack table> --mode overwrite|only-missing
 *   [--dry-run] [--region eu-west-1] [--endpoint http://127.0.0.1:8000] [--segments 4]`
 *
 * The copy step of the point-in-time restore procedure (docs/operations.md). Uses the AWS
 * credentials of the environment, like the AWS CLI.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type CopyMode, copyTable } from './restore/copy-table.js';

const USAGE =
  'usage: npx tsx bin/copy-table.ts --from <table> --to <table> --mode overwrite|only-missing [--dry-run] ' +
  '[--region <region>] [--endpoint <url>] [--segments <n>]';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    // No default: overwriting or not is the operator's decision (docs/operations.md).
    mode: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    region: { type: 'string' },
    endpoint: { type: 'string' },
    segments: { type: 'string', default: '4' },
  },
});

const segments = Number(values.segments);
const mode = values.mode;
const valid =
  values.from &&
  values.to &&
  values.from !== values.to &&
  (mode === 'overwrite' || mode === 'only-missing') &&
  Number.isInteger(segments) &&
  segments >= 1;
if (!valid) {
  console.error(USAGE);
  process.exit(2);
}

const client = new DynamoDBClient({
  ...(values.region ? { region: values.region } : {}),
  ...(values.endpoint ? { endpoint: values.endpoint } : {}),
});
const started = Date.now();
const result = await copyTable({
  client,
  from: values.from as string,
  to: values.to as string,
  mode: mode as CopyMode,
  segments,
  dryRun: values['dry-run'],
});
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  `${values['dry-run'] ? 'dry run, ' : ''}${mode}: scanned ${result.scanned}, written ${result.written}, ` +
    `left as ${values.to} had them ${result.kept}, in ${seconds} s`,
);
client.destroy();
