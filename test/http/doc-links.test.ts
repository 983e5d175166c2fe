import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Code comments and docs cite the project's own docs (`docs/sla.md#calendars`, or
 * `[api.md](api.md#errors)` inside docs/): every cited file must exist and every anchor must be a
 * heading of it, so a renamed heading cannot leave citations pointing nowhere.
 */
const SOURCE_ROOTS = ['functions', 'bin', 'lib', 'test', 'bench'];

function filesUnder(dir: string, ext: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    return statSync(path).isDirectory() ? filesUnder(path, ext) : ext.test(name) ? [path] : [];
  });
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const [, heading] of markdown.matchAll(/^#{1,6}\s+(.+?)\s*$/gm)) {
    anchors.add(
      heading!
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return anchors;
}

interface Citation {
  readonly from: string;
  readonly file: string;
  readonly anchor: string | undefined;
}

function citations(): Citation[] {
  const found: Citation[] = [];
  const sources = SOURCE_ROOTS.flatMap((root) => filesUnder(root, /\.(ts|mts)$/));
  for (const from of sources) {
    for (const [, file, anchor] of readFileSync(from, 'utf8').matchAll(
      /\b((?:docs\/[\w-]+|README)\.md)(?:#([\w-]+))?/g,
    )) {
      found.push({ from, file: file!, anchor });
    }
  }
  for (const from of [...filesUnder('docs', /\.md$/), 'README.md']) {
    for (const [, target, anchor] of readFileSync(from, 'utf8').matchAll(
      /\]\(([\w./-]+\.md)(?:#([\w-]+))?\)/g,
    )) {
      found.push({ from, file: normalize(join(dirname(from), target!)), anchor });
    }
  }
  return found;
}

describe('citations of the project docs', () => {
  const all = citations();

  it('finds the citations', () => {
    expect(all.length).toBeGreaterThan(50);
  });

  it('point at files and headings that exist', () => {
    const broken = all.filter(({ file, anchor }) => {
      if (!existsSync(file)) return true;
      return anchor !== undefined && !anchorsOf(readFileSync(file, 'utf8')).has(anchor);
    });
    expect(broken.map((c) => `${c.from} → ${c.file}${c.anchor ? `#${c.anchor}` : ''}`)).toEqual([]);
  });
});
