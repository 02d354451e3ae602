import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTmdsEmulator, type TmdsEmulator } from '@ecs-task-metrics/tmds-emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { type OtlpReceiver, startOtlpReceiver } from '../../../test/support/otlp-receiver.js';

const run = promisify(execFile);
const REPO = new URL('../../../', import.meta.url).pathname;
const APP = new URL('./fixtures/plain-app.mjs', import.meta.url).pathname;
const REGISTER = '@ecs-task-metrics/node/register';
const SCENARIO = 'fargate-2-containers';

let emu: TmdsEmulator | undefined;
let receiver: OtlpReceiver | undefined;
let agent: NodeJS.Timeout | undefined;
afterEach(async () => {
  clearInterval(agent);
  await emu?.close();
  await receiver?.close();
  emu = receiver = undefined;
});

/** The environment of an app in an ECS task whose ADOT sidecar listens at the receiver. */
async function ecsEnvironment(): Promise<NodeJS.ProcessEnv> {
  emu = await startTmdsEmulator({ scenario: SCENARIO });
  // Like the agent, a new stats sample every so often: the exit waits for the next one.
  const e = emu;
  agent = setInterval(() => e.advance(1), 250);
  receiver = await startOtlpReceiver();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('OTEL_') || name.startsWith('ECS_')) delete env[name];
  }
  return {
    ...env,
    ECS_CONTAINER_METADATA_URI_V4: emu.url,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_SERVICE_NAME: 'checkout',
  };
}

async function node(args: string[], env: NodeJS.ProcessEnv) {
  const { stdout, stderr } = await run(process.execPath, [...args, APP], { cwd: REPO, env });
  return { stdout, stderr };
}

describe('zero-code: --import @ecs-task-metrics/node/register', () => {
  it('starts from the environment alone and exports over OTLP (the default exporter)', async () => {
    const env = await ecsEnvironment();
    const { stdout, stderr } = await node(['--import', REGISTER], env);
    expect(stdout).toBe('app ran\n');
    expect(stderr).toBe('');
    // The app ended on its own: the last collection went out on beforeExit.
    const points = receiver!.points();
    const workingSets = points.filter((p) => p.name === 'container.memory.working_set');
    expect(workingSets.length).toBeGreaterThan(0);
    expect(workingSets[0]!.resource['service.name']).toBe('checkout');
    expect(workingSets[0]!.resource['aws.ecs.task.family']).toBe('sample-fargate');
  });

  it('works the same from NODE_OPTIONS', async () => {
    const env = await ecsEnvironment();
    const { stdout } = await node([], { ...env, NODE_OPTIONS: `--import ${REGISTER}` });
    expect(stdout).toBe('app ran\n');
    expect(receiver!.points().some((p) => p.name === 'aws.ecs.task.memory.working_set')).toBe(true);
  });

  it('takes the exporter from ECS_TASK_METRICS_EXPORTER', async () => {
    const env = await ecsEnvironment();
    const { stdout } = await node(['--import', REGISTER], {
      ...env,
      ECS_TASK_METRICS_EXPORTER: 'console',
    });
    expect(stdout).toContain("name: 'container.memory.working_set'");
    expect(receiver!.requests).toHaveLength(0);
  });

  it('starts nothing when OTEL_SDK_DISABLED=true or off ECS, and the app runs as usual', async () => {
    const env = await ecsEnvironment();
    for (const e of [
      { ...env, OTEL_SDK_DISABLED: 'true' },
      { ...env, ECS_CONTAINER_METADATA_URI_V4: '' },
    ]) {
      emu!.resetCounts();
      const { stdout, stderr } = await node(['--import', REGISTER], e);
      expect({ stdout, stderr }).toEqual({ stdout: 'app ran\n', stderr: '' });
      expect(emu!.requests).toHaveLength(0);
    }
    expect(receiver!.requests).toHaveLength(0);
  });
});
