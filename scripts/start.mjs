// `npm start`: the project without AWS. Serves a fixture task on a loopback TMDS emulator whose counters move,
// and prints the task's metrics every few seconds, as an app on ECS would see them.

import { startTmdsEmulator } from '@ecs-task-metrics/tmds-emulator';
import { snapshotCommand } from 'ecs-task-metrics';

const scenario = process.env.ECS_TASK_METRICS_SCENARIO ?? 'ec2-bridge-3-containers';
const everySeconds = 5;
const emulator = await startTmdsEmulator({ scenario });
process.stdout.write(
  `TMDS emulator serving "${scenario}" at ${emulator.url}\n` +
    `Try it yourself:  npx ecs-task-metrics snapshot --endpoint ${emulator.url}\n` +
    `Stop with Ctrl-C.\n\n`,
);

async function tick() {
  emulator.advance(everySeconds);
  process.stdout.write(`--- ${new Date().toISOString()}\n`);
  await snapshotCommand({ endpoint: emulator.url, format: 'table' }, process.stdout);
}

await tick();
const timer = setInterval(
  () => void tick().catch((e) => process.stderr.write(`${e.message}\n`)),
  everySeconds * 1000,
);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    clearInterval(timer);
    void emulator.close();
  });
}
