// Where the test collector built from the builder manifest lives. Shared by the build script and the e2e tests,
// so both agree on the cache key: a hash of the manifest's bytes.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** Core collector modules are versioned v0.x together; the builder must come from the same release. */
const CORE_MODULE_PREFIX = 'go.opentelemetry.io/collector/';

export interface CollectorBuildLocation {
  /** The repository root. */
  readonly repoRoot: string;
  /** The builder manifest (`collector/builder-config.yaml`). */
  readonly manifestPath: string;
  /** The manifest's text, as hashed. */
  readonly manifestText: string;
  /** First 16 hex digits of the manifest's SHA-256: a changed manifest gets a new build folder. */
  readonly key: string;
  /** `.collector/` at the repository root (git-ignored). */
  readonly cacheDir: string;
  /** `.collector/<key>/`: generated sources and the binary of this manifest. */
  readonly buildDir: string;
  /** The collector binary (`dist.name` of the manifest). */
  readonly binaryPath: string;
  /** The OpenTelemetry Collector Builder version matching the manifest's core components. */
  readonly builderVersion: string;
}

interface Manifest {
  dist?: { name?: string };
  [section: string]: unknown;
}

/** The repository root, found from this file's location. */
export function repoRootFromHere(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..');
}

/** Reads the manifest and says where its build is (whether or not it exists yet). */
export function locateCollectorBuild(
  repoRoot: string = repoRootFromHere(),
): CollectorBuildLocation {
  const manifestPath = join(repoRoot, 'collector', 'builder-config.yaml');
  const manifestText = readFileSync(manifestPath, 'utf8');
  const manifest = parse(manifestText) as Manifest;
  const name = manifest.dist?.name;
  if (!name) throw new Error(`${manifestPath}: dist.name is missing`);
  const key = createHash('sha256').update(manifestText).digest('hex').slice(0, 16);
  const cacheDir = join(repoRoot, '.collector');
  const buildDir = join(cacheDir, key);
  return {
    repoRoot,
    manifestPath,
    manifestText,
    key,
    cacheDir,
    buildDir,
    binaryPath: join(buildDir, name),
    builderVersion: coreVersion(manifest, manifestPath),
  };
}

/** The one v0.x version shared by every core (`go.opentelemetry.io/collector/...`) component. */
function coreVersion(manifest: Manifest, manifestPath: string): string {
  const versions = new Set<string>();
  for (const section of ['receivers', 'processors', 'exporters', 'extensions', 'connectors']) {
    const entries = manifest[section];
    if (!Array.isArray(entries)) continue;
    for (const entry of entries as Array<{ gomod?: string }>) {
      const [module, version] = (entry.gomod ?? '').split(/\s+/);
      if (module?.startsWith(CORE_MODULE_PREFIX) && version?.startsWith('v0.'))
        versions.add(version);
    }
  }
  if (versions.size !== 1) {
    throw new Error(
      `${manifestPath}: core components must share one v0.x version (found ${[...versions].join(', ') || 'none'})`,
    );
  }
  return [...versions][0]!;
}
