import type { TaskSnapshot, TmdsTaskMetadata } from '@ecs-task-metrics/instrumentation';
import express, { type Express } from 'express';
import { renderPage } from './page.js';
import { burnCpu, intParam, LIMITS, MemoryHolder, MIB } from './work.js';

/** What the routes need from the metrics set-up: the handle of `startEcsTaskMetrics` fits. */
export interface MetricsSource {
  collect(): Promise<TaskSnapshot>;
  readonly instrumentation: { readonly taskMetadata: TmdsTaskMetadata | undefined };
}

/** The example app: its routes only; `server.ts` starts it. */
export function createApp(metrics: MetricsSource, memory = new MemoryHolder()): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // One collection through the same instrumentation that feeds the exporter (no second polling loop).
  app.get('/', async (req, res) => {
    let snapshot: TaskSnapshot | undefined;
    let error: string | undefined;
    try {
      snapshot = await metrics.collect();
    } catch (err) {
      error = (err as Error).message;
    }
    res.type('html').send(
      renderPage({
        snapshot,
        error,
        task: metrics.instrumentation.taskMetadata,
        heldMiB: memory.heldBytes / MIB,
        baseUrl: `${req.protocol}://${req.get('host') ?? 'localhost'}`,
      }),
    );
  });

  app.post('/work/memory', (req, res) => {
    const mb = intParam(req.query.mb, { min: 1, max: LIMITS.maxMemoryMb, fallback: 100 });
    const ms = intParam(req.query.ms, {
      min: 1,
      max: LIMITS.maxHoldMs,
      fallback: LIMITS.defaultHoldMs,
    });
    if (mb === undefined || ms === undefined) {
      res.status(400).json({
        error: `mb must be 1..${LIMITS.maxMemoryMb} and ms 1..${LIMITS.maxHoldMs} (integers)`,
      });
      return;
    }
    memory.hold(mb, ms);
    res.status(202).json({
      allocatedMiB: mb,
      holdMs: ms,
      heldMiB: memory.heldBytes / MIB,
      rssBytes: process.memoryUsage.rss(),
    });
  });

  app.post('/work/cpu', async (req, res) => {
    const ms = intParam(req.query.ms, {
      min: 1,
      max: LIMITS.maxCpuMs,
      fallback: LIMITS.defaultCpuMs,
    });
    if (ms === undefined) {
      res.status(400).json({ error: `ms must be 1..${LIMITS.maxCpuMs} (an integer)` });
      return;
    }
    const { busyMs } = await burnCpu(ms);
    res.json({ busyMs });
  });

  return app;
}
