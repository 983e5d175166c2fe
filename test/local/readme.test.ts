import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The README's commands run as written: docs/tour.sh runs them against `npm start` in CI
 * (.ci/start-and-tour). These are the cheap checks that need no running stack.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The README's ```sh blocks, in order. */
function shellBlocks(): string[] {
  return [...README.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

describe('README.md', () => {
  it('states the Node version package.json requires', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    const major = /^>=(\d+)$/.exec(pkg.engines.node)?.[1];
    expect(major, `engines.node is ${pkg.engines.node}`).toBeDefined();
    expect(README).toContain(`Needs Node.js ≥ ${major} with npm`);
    expect(README).toContain(`\`engines\` says \`>=${major}\``);
  });

  it('has the set-up block first, then the blocks docs/tour.sh runs', () => {
    const blocks = shellBlocks();
    expect(blocks[0]).toContain('npm start');
    expect(blocks).toHaveLength(9); // docs/tour.sh checks each of them; a new one needs its checks
  });

  it('never assumes the id of what it created (the banner or an earlier run may have made one)', () => {
    for (const block of shellBlocks().slice(1)) {
      expect(block).not.toMatch(/\/(tickets|changes)\/(INC|REQ|PRB|CHG)-\d/);
    }
  });

  it('uses only variables it set in an earlier command, or the ports npm start was given', () => {
    const set = new Set(['PORT', 'SMTP_PORT']);
    for (const block of shellBlocks().slice(1)) {
      for (const line of block.split('\n')) {
        for (const used of line.matchAll(/\$\{?([A-Za-z_]\w*)/g)) {
          expect(set, `$${used[1]} in: ${line}`).toContain(used[1]);
        }
        for (const assigned of line.matchAll(/(?:^|[;\s])([A-Za-z_]\w*)=/g)) set.add(assigned[1]!);
        for (const loop of line.matchAll(/\bfor\s+([A-Za-z_]\w*)\s+in\b/g)) set.add(loop[1]!);
      }
    }
  });

  it('gives every write a body (an empty POST/PUT/PATCH is a 400)', () => {
    // Commands continue over lines ending in a backslash, or inside an open quote.
    const commands = shellBlocks()
      .slice(1)
      .join('\n')
      .replace(/\\\n/g, ' ')
      .replace(/'[^']*'/g, (quoted) => quoted.replace(/\n/g, ' '))
      .split('\n');
    for (const command of commands.filter((c) => /curl .*-X (POST|PUT|PATCH)/.test(c))) {
      if (/\/_local\/(sweep|flush)/.test(command)) continue; // take no body
      expect(command).toMatch(/ -d ['"]/);
    }
  });

  it('docs/tour.sh is valid bash', () => {
    execFileSync('bash', ['-n', join(ROOT, 'docs/tour.sh')]);
  });
});
