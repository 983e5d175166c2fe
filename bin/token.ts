/**
 * `npm run -s token -- <userId> <role> [<role>...] [--email x] [--name y] [--ttl 12h]`
 * Prints only a bearer token the local API accepts, signed with the key `npm start` uses (in
 * OPSDESK_DATA_DIR or .opsdesk/). `-s` keeps npm's own banner out of `$(...)`.
 */
import { mintToken } from './local/auth.js';
import { defaultStateDir, loadOrCreateSigningKey } from './local/signing-key.js';
import { parseTokenArgs, TOKEN_USAGE } from './local/token-cli.js';

const args = parseTokenArgs(process.argv.slice(2));
if (args.kind === 'help') {
  console.log(TOKEN_USAGE);
} else if (args.kind === 'error') {
  console.error(`${args.message}\n${TOKEN_USAGE}`);
  process.exitCode = 2;
} else {
  const key = await loadOrCreateSigningKey(defaultStateDir());
  process.stdout.write(`${mintToken(key, args.request)}\n`);
}
