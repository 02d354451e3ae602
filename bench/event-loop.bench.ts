/*
 * Event loop: the delay a collection every second adds to an idle Express app's event loop, from
 * perf_hooks.monitorEventLoopDelay sampling every millisecond. Both variants run at the same time, so outside
 * load on the machine shows in both and cancels in the difference.
 */
import type { DelaySample } from './apps/express-app.js';
import { round } from './harness/stats.js';
import type { Suite } from './harness/types.js';
import { runApp } from './support/app-process.js';
import { startEmulatorProcess } from './support/emulator.js';
import { writeScenario } from './support/scenario.js';

const CONTAINERS = 10;
const INTERVAL_MS = 1000;

export const eventLoopSuite: Suite = {
  name: 'event-loop',
  title: 'Event-loop delay added by a collection every second',
  async run(context) {
    const seconds = context.quick ? 6 : 120;
    const scenario = await writeScenario(CONTAINERS);
    const emulator = await startEmulatorProcess(scenario.dir);
    let bare: DelaySample;
    let inst: DelaySample;
    try {
      context.progress(`  both variants for ${seconds} s, collection every ${INTERVAL_MS} ms`);
      const common = {
        exporter: 'emf',
        endpoint: emulator.url,
        mode: 'interval',
        intervalMs: INTERVAL_MS,
        seconds,
      } as const;
      const timeoutMs = (seconds + 60) * 1000;
      [[bare], [inst]] = (await Promise.all([
        runApp<DelaySample>({ ...common, variant: 'bare' }, { timeoutMs }),
        runApp<DelaySample>({ ...common, variant: 'instrumented' }, { timeoutMs }),
      ])) as [[DelaySample], [DelaySample]];
    } finally {
      await emulator.close();
      await scenario.remove();
    }
    const row = (name: string, s: DelaySample) => [
      name,
      s.collections,
      round(s.p50, 0),
      round(s.p99, 0),
      round(s.p999, 0),
      round(s.max, 0),
      round(s.mean, 1),
      s.count,
    ];
    const added = inst.p99 - bare.p99;
    return {
      tables: [
        {
          title: `Event-loop delay (µs), ${CONTAINERS} containers, one collection every ${INTERVAL_MS / 1000} s for ${seconds} s`,
          columns: ['variant', 'collections', 'p50', 'p99', 'p99.9', 'max', 'mean', 'samples'],
          rows: [
            row('Express alone', bare),
            row('Express + instrumentation + exporter', inst),
            [
              'added',
              '',
              round(inst.p50 - bare.p50, 0),
              round(added, 0),
              round(inst.p999 - bare.p999, 0),
              round(inst.max - bare.max, 0),
              round(inst.mean - bare.mean, 1),
              '',
            ],
          ],
          notes: [
            'perf_hooks.monitorEventLoopDelay({ resolution: 1 }): time between the firings of a 1 ms timer (so about 1000 µs',
            'when nothing blocks); both apps ran at the same time, on the same emulator.',
          ],
        },
      ],
      headlines: [
        { name: 'p99 event-loop delay added at a 1 s interval (µs)', value: round(added, 0) },
        {
          name: 'max event-loop delay added at a 1 s interval (µs)',
          value: round(inst.max - bare.max, 0),
        },
      ],
      data: { seconds, bare, instrumented: inst },
    };
  },
};
