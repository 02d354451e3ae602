/*
 * What each publishable package would put in the registry (`npm pack --dry-run --json`): its built code, its
 * declared bin shims and data, and its docs; never sources, tests, build state or configuration.
 * Needs the build (`npm test` builds first).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface PackageJson {
  name: string;
  private?: boolean;
  main?: string;
  types?: string;
  bin?: string | Record<string, string>;
  exports?: Record<string, string | Record<string, string>>;
}

const workspaces = readdirSync(`${ROOT}packages`, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => {
    const pkg = JSON.parse(
      readFileSync(`${ROOT}packages/${d.name}/package.json`, 'utf8'),
    ) as PackageJson;
    return { dir: `packages/${d.name}`, pkg };
  })
  .filter(({ pkg }) => !pkg.private);

/** Data a package ships on purpose, beyond code and docs. */
const DATA: Record<string, string[]> = {
  // The scenarios the emulator serves.
  '@ecs-task-metrics/tmds-emulator': ['fixtures/'],
};

const DOCS = new Set(['package.json', 'README.md', 'LICENSE', 'NOTICE']);

const packed = new Map<string, string[]>();
for (const entry of JSON.parse(
  execFileSync('npm', ['pack', '--dry-run', '--json', '--workspaces'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }),
) as Array<{ name: string; files: Array<{ path: string }> }>) {
  packed.set(
    entry.name,
    entry.files.map((f) => f.path),
  );
}

/** Every path a package.json points at (main, types, exports, bin), normalised. */
function entryPoints(pkg: PackageJson): string[] {
  const bins = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {});
  const exported = Object.values(pkg.exports ?? {}).flatMap((e) =>
    typeof e === 'string' ? [e] : Object.values(e),
  );
  return [pkg.main, pkg.types, ...bins, ...exported]
    .filter((p): p is string => typeof p === 'string')
    .map((p) => p.replace(/^\.\//, ''));
}

describe('npm pack of every publishable package', () => {
  it('packs each workspace package', () => {
    expect(workspaces.length).toBeGreaterThanOrEqual(4);
    for (const { pkg } of workspaces) expect(packed.has(pkg.name), pkg.name).toBe(true);
  });

  describe.each(workspaces)('$pkg.name', ({ pkg }) => {
    const files = () => packed.get(pkg.name) ?? [];

    it('holds only built code, declared bin shims and data, and docs', () => {
      const bins = entryPoints(pkg).filter((p) => p.startsWith('bin/'));
      const data = DATA[pkg.name] ?? [];
      const unexpected = files().filter(
        (f) =>
          !DOCS.has(f) &&
          !(f.startsWith('dist/') && /\.(js|d\.ts|js\.map|d\.ts\.map)$/.test(f)) &&
          !bins.includes(f) &&
          !data.some((prefix) => f.startsWith(prefix)),
      );
      expect(unexpected).toEqual([]);
      // Never sources, tests, build state or configuration.
      for (const f of files()) {
        expect(f, f).not.toMatch(/(^|\/)(src|test)\/|tsbuildinfo|tsconfig|\.env|\.npmrc/);
      }
    });

    it('holds every file its package.json points at', () => {
      expect(files()).toContain('README.md');
      for (const target of entryPoints(pkg)) {
        if (target === 'package.json') continue;
        expect(files(), target).toContain(target);
      }
    });
  });
});
