// `npm run collector:build`: builds the test collector from collector/builder-config.yaml with the OpenTelemetry
// Collector Builder, into .collector/<manifest hash>/, and reuses that binary while the manifest is unchanged.
// Usage: node collector/build.ts [--force]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { type CollectorBuildLocation, locateCollectorBuild } from './locate.ts';

const BUILDER_MODULE = 'go.opentelemetry.io/collector/cmd/builder';
const BUILD_DIR_PATTERN = /^[0-9a-f]{16}(\.partial)?$/;

function log(line: string): void {
  process.stdout.write(`collector: ${line}\n`);
}

/** Runs a command with inherited output; rejects with the command line on a non-zero exit. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolvePromise();
      else
        reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

/**
 * The environment of every Go command: the installed toolchain only (no toolchain download), static binaries
 * (no C compiler needed), no VCS stamping (the output folder sits inside this git checkout). GOCACHE and
 * GOMODCACHE stay Go's per-user defaults, so a changed manifest recompiles only what changed; when the machine
 * has no home folder for them, they go under .collector/.
 */
function goEnv(location: CollectorBuildLocation): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GOTOOLCHAIN: 'local',
    CGO_ENABLED: '0',
    GOFLAGS: [process.env.GOFLAGS, '-buildvcs=false'].filter(Boolean).join(' '),
  };
  const noHome = !process.env.HOME && !process.env.XDG_CACHE_HOME;
  if (noHome && !process.env.GOCACHE) env.GOCACHE = join(location.cacheDir, 'go-build');
  if (noHome && !process.env.GOPATH && !process.env.GOMODCACHE) {
    env.GOMODCACHE = join(location.cacheDir, 'go-mod');
  }
  return env;
}

async function installBuilder(location: CollectorBuildLocation, env: NodeJS.ProcessEnv) {
  const binDir = join(location.cacheDir, 'tools', `builder-${location.builderVersion}`);
  const builder = join(binDir, 'builder');
  if (!existsSync(builder)) {
    log(`installing ${BUILDER_MODULE}@${location.builderVersion}`);
    await run('go', ['install', `${BUILDER_MODULE}@${location.builderVersion}`], {
      ...env,
      GOBIN: binDir,
    });
  }
  return builder;
}

/** Removes builds of other manifests and an interrupted build of this one. */
async function removeStaleBuilds(location: CollectorBuildLocation): Promise<void> {
  const entries = await readdir(location.cacheDir).catch(() => [] as string[]);
  for (const entry of entries) {
    if (BUILD_DIR_PATTERN.test(entry) && entry !== location.key) {
      await rm(join(location.cacheDir, entry), { recursive: true, force: true });
    }
  }
}

export async function buildCollector(options: { force?: boolean } = {}): Promise<string> {
  const location = locateCollectorBuild();
  if (!options.force && existsSync(location.binaryPath)) {
    log(`up to date (manifest ${location.key}): ${location.binaryPath}`);
    return location.binaryPath;
  }
  await mkdir(location.cacheDir, { recursive: true });
  await removeStaleBuilds(location);
  const env = goEnv(location);
  try {
    await run('go', ['version'], env);
  } catch {
    throw new Error(
      'Go is not installed (https://go.dev/doc/install); it is needed to build the collector',
    );
  }
  const builder = await installBuilder(location, env);

  // The builder takes its output folder from the manifest: build from a copy that names a partial folder, which
  // becomes the build folder only when the binary is complete.
  const partialDir = `${location.buildDir}.partial`;
  await rm(partialDir, { recursive: true, force: true });
  await rm(location.buildDir, { recursive: true, force: true });
  await mkdir(partialDir, { recursive: true });
  const manifest = parseDocument(location.manifestText);
  manifest.setIn(['dist', 'output_path'], partialDir);
  const manifestCopy = join(partialDir, 'builder-config.yaml');
  await writeFile(manifestCopy, manifest.toString());

  log(
    `building with builder ${location.builderVersion} (manifest ${location.key}); a fresh build takes minutes`,
  );
  await run(builder, ['--config', manifestCopy], env, partialDir);
  await rename(partialDir, location.buildDir);
  log(`built ${location.binaryPath}`);
  return location.binaryPath;
}

if (import.meta.main) {
  buildCollector({ force: process.argv.includes('--force') }).catch((error: unknown) => {
    process.stderr.write(`collector: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
