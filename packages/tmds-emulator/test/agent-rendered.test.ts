import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTmdsEmulator, type TmdsEmulator } from '../src/index.js';
import { hasShared, PATH_BY_FILE, SHARED_TMDS_DIR } from './fixtures.js';

const dir = `${SHARED_TMDS_DIR}agent-rendered/`;
if (!hasShared) {
  // One clear line: this suite needs the shared fixtures next to the repository.
  process.stdout.write('skipping agent-rendered TMDS tests: ../shared/fixtures/tmds is absent\n');
}

interface ErrorCase {
  path: string;
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

describe.skipIf(!hasShared)('agent-rendered scenario from ../shared', () => {
  let emu: TmdsEmulator;
  beforeAll(async () => {
    emu = await startTmdsEmulator({ dir });
  });
  afterAll(() => emu.close());

  const cases = (): ErrorCase[] => JSON.parse(readFileSync(`${dir}error-cases.json`, 'utf8')).cases;

  it('serves its files byte-identical', async () => {
    for (const file of readdirSync(dir)) {
      const path = PATH_BY_FILE[file];
      if (path === undefined) continue;
      const response = await fetch(`${emu.url}${path}`);
      expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(`${dir}${file}`))).toBe(
        true,
      );
    }
  });

  it('answers unknown endpoint IDs exactly as the agent does', async () => {
    const literal = cases().filter((c) => /^\/v4\/[^ <]*$/.test(c.path));
    expect(literal.length).toBeGreaterThan(0);
    for (const c of literal) {
      const response = await fetch(`${emu.origin}${c.path}`);
      expect(response.status, c.path).toBe(c.status);
      expect(response.headers.get('content-type')).toBe(c.contentType);
      expect(await response.text()).toBe(c.body);
    }
  });

  it('answers the 500 and 429 faults with the agent bodies', async () => {
    const task = JSON.parse(readFileSync(`${dir}task.json`, 'utf8'));
    const container = JSON.parse(readFileSync(`${dir}container.json`, 'utf8'));
    const pathOf = (c: ErrorCase) => /^\/v4\/<id>(\S*)/.exec(c.path)?.[1];
    const serverErrors = cases().filter((c) => c.status === 500 && pathOf(c) !== undefined);
    expect(serverErrors.length).toBeGreaterThan(0);
    for (const c of serverErrors) {
      const path = pathOf(c) as string;
      emu.setFault({ kind: 'status', status: 500, count: 1 });
      const response = await fetch(`${emu.url}${path}`);
      expect(response.status).toBe(500);
      expect(response.headers.get('content-type')).toBe(c.contentType);
      expect(await response.text()).toBe(
        c.body.replace('<dockerId>', container.DockerId).replace('<taskArn>', task.TaskARN),
      );
    }
    const limited = cases().find((c) => c.status === 429) as ErrorCase;
    emu.setFault({ kind: 'status', status: 429, count: 1 });
    const response = await fetch(`${emu.url}/task/stats`);
    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toBe(limited.contentType);
    for (const [name, value] of Object.entries(limited.headers ?? {})) {
      expect(response.headers.get(name)).toBe(value);
    }
    expect(await response.text()).toBe(limited.body);

    const notFound = cases().find(
      (c) => c.status === 404 && c.contentType.startsWith('text/'),
    ) as ErrorCase;
    const unmatched = await fetch(`${emu.url}/`);
    expect(unmatched.status).toBe(404);
    expect(unmatched.headers.get('content-type')).toBe(notFound.contentType);
    expect(await unmatched.text()).toBe(notFound.body);
  });
});
