/*
 * Child process: a TMDS emulator serving a scenario directory. Answers `{type:'counts'}` with the request counts
 * per path and `{type:'set-payload', path, body}` (a raw override) with `{type:'payload-set'}`.
 * argv: <scenario dir> [advance every ms]: every running container's sample moves 1 s forward that often, so
 * successive collections read new samples (new times, growing counters) as on a real task.
 */
import { startTmdsEmulator } from '@ecs-task-metrics/tmds-emulator';

const dir = process.argv[2];
if (!dir) throw new Error('usage: emulator-process <scenario dir>');
const emulator = await startTmdsEmulator({ dir });
const advanceEveryMs = Number(process.argv[3] ?? 0);
if (advanceEveryMs > 0) setInterval(() => emulator.advance(1), advanceEveryMs);

process.on('message', (m: { type: string; path?: string; body?: string }) => {
  if (m.type === 'counts') {
    process.send?.({
      type: 'counts',
      taskStats: emulator.requestCount('/task/stats'),
      task: emulator.requestCount('/task'),
    });
  } else if (m.type === 'set-payload') {
    emulator.setPayload(m.path as '/task/stats', m.body);
    process.send?.({ type: 'payload-set' });
  }
});
const stop = () => void emulator.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
// The runner gone (Ctrl-C, a crash): no orphan keeps serving.
process.on('disconnect', stop);
process.send?.({ type: 'ready', url: emulator.url, origin: emulator.origin });
