import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CannedAnswer,
  internalError,
  rateLimited,
  routeNotFound,
  serviceUnavailable,
  unknownEndpointId,
} from './agent-errors.js';
import { FaultInjector, malformedBody, truncatedBody } from './faults.js';
import { stringifyLossless } from './lossless-json.js';
import { RateLimiter } from './rate-limiter.js';
import { loadScenario, ORIGIN_PATHS, resolveScenarioDir, URL_PATHS } from './scenario.js';
import { ScriptedState } from './scripted-state.js';
import type {
  EmulatorFault,
  EndpointPath,
  RecordedRequest,
  StatusFault,
  TmdsEmulator,
  TmdsEmulatorOptions,
  TmdsEndpointServer,
} from './types.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/** A request routed: an endpoint of this task, or an answer decided by the route alone. */
type Route = { endpoint: EndpointPath } | { answer: CannedAnswer; path: string };

/** Starts an emulator on a loopback port and resolves once it listens. */
export async function startTmdsEmulator(options: TmdsEmulatorOptions = {}): Promise<TmdsEmulator> {
  const state = new ScriptedState(loadScenario(resolveScenarioDir(options)), options.deltas);
  const server = await serveState(state, options);
  return {
    ...server,
    deltas: state.deltas,
    advance: (seconds = 10) => state.advance(seconds),
    stopContainer: (name, stopOptions) => state.stopContainer(name, stopOptions),
    startContainer: (name) => state.startContainer(name),
    restartContainer: (name) => state.restartContainer(name),
    setMemoryUsage: (name, bytes) => state.setMemoryUsage(name, bytes),
    setCpuVcpu: (name, vcpu) => state.setCpuVcpu(name, vcpu),
  };
}

/** What the server needs from the documents it serves (scripted fixtures, or a live cgroup). */
export interface ServedState {
  /** Body of an endpoint path; undefined when the task has no such document. */
  body(path: EndpointPath): Buffer | string | undefined;
  /** DockerId of `/stats` when that container is stopped (the agent then answers 500). */
  stoppedSingleStatsId(): string | undefined;
  defaultContainerId(): string | undefined;
  taskArn(): string | undefined;
}

/** Serves `state` on a loopback port with the agent's routing, errors, faults and rate limiter. */
export async function serveState(
  state: ServedState,
  options: Pick<TmdsEmulatorOptions, 'host' | 'port' | 'endpointId' | 'rateLimit' | 'now'>,
): Promise<TmdsEndpointServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host)) {
    throw new Error(
      `tmds-emulator: listens on loopback only (127.0.0.1, ::1, localhost), not ${host}`,
    );
  }
  const now = options.now ?? Date.now;
  const endpointId = options.endpointId ?? state.defaultContainerId() ?? 'emulator';
  const dockerId = state.defaultContainerId() ?? endpointId;
  const taskArn = state.taskArn() ?? 'arn:aws:ecs:us-east-1:123456789012:task/emulator/emulator';
  const limiter = options.rateLimit
    ? new RateLimiter(options.rateLimit === true ? {} : options.rateLimit, now)
    : undefined;
  const faults = new FaultInjector();
  const overrides = new Map<string, string | Buffer>();
  const requests: RecordedRequest[] = [];
  const delays = new Set<NodeJS.Timeout>();

  const route = (pathname: string): Route => {
    if ((ORIGIN_PATHS as readonly string[]).includes(pathname)) {
      return { endpoint: pathname as EndpointPath };
    }
    const v4 = /^\/v4\/([^/]*)(.*)$/.exec(pathname);
    const sub = v4?.[2] as EndpointPath | undefined;
    if (v4 && sub !== undefined && URL_PATHS.includes(sub)) {
      if (v4[1] === endpointId) return { endpoint: sub };
      return { answer: unknownEndpointId(sub, v4[1] ?? ''), path: pathname };
    }
    return { answer: routeNotFound(), path: pathname };
  };

  const payload = (path: EndpointPath): CannedAnswer => {
    const override = overrides.get(path);
    const body = override ?? state.body(path);
    const stoppedId =
      path === '/stats' && override === undefined ? state.stoppedSingleStatsId() : undefined;
    if (stoppedId !== undefined) return internalError('/stats', stoppedId, taskArn);
    if (body === undefined) return routeNotFound();
    return { status: 200, headers: { 'Content-Type': 'application/json' }, body };
  };

  const statusAnswer = (fault: StatusFault, path: string): CannedAnswer => {
    switch (fault.status) {
      case 404:
        return unknownEndpointId(path, endpointId);
      case 429:
        return rateLimited(limiter?.requestsPerSecond ?? 40);
      case 500:
        return internalError(path, dockerId, taskArn);
      default:
        return serviceUnavailable();
    }
  };

  // Timers are cleared on close; their requests are abandoned with their connections.
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        delays.delete(timer);
        resolve();
      }, ms);
      delays.add(timer);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const pathname = new URL(req.url ?? '/', 'http://emulator').pathname;
    const routed = route(pathname);
    const path = 'endpoint' in routed ? routed.endpoint : routed.path;
    requests.push({ method: req.method ?? 'GET', path, at: now() });

    if (limiter && !limiter.allow(`${req.socket.remoteAddress ?? ''} ${pathname}`)) {
      return send(req, res, rateLimited(limiter.requestsPerSecond));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(req, res, { status: 405, headers: {}, body: '' });
    }
    const fault: EmulatorFault | undefined = faults.take(path);
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'latency') await delay(fault.ms);
    if (fault?.kind === 'status') return send(req, res, statusAnswer(fault, path));

    const answer = 'endpoint' in routed ? payload(routed.endpoint) : routed.answer;
    if (fault?.kind === 'malformed') answer.body = malformedBody(answer.body.toString());
    if (fault?.kind === 'truncated') answer.body = truncatedBody(answer.body.toString());
    send(req, res, answer);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: `${origin}/v4/${endpointId}`,
    origin,
    requests,
    requestCount: (path) => requests.filter((request) => request.path === path).length,
    resetCounts: () => {
      requests.length = 0;
    },
    setFault: (fault) => faults.set(fault),
    setPayload: (path, body) => {
      if (body === undefined) overrides.delete(path);
      else
        overrides.set(
          path,
          typeof body === 'string' || Buffer.isBuffer(body) ? body : stringifyLossless(body),
        );
    },
    close: async () => {
      for (const timer of delays) clearTimeout(timer);
      delays.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function send(req: IncomingMessage, res: ServerResponse, answer: CannedAnswer): void {
  if (res.destroyed) return;
  res.writeHead(answer.status, {
    ...answer.headers,
    'Content-Length': Buffer.byteLength(answer.body),
  });
  res.end(req.method === 'HEAD' ? undefined : answer.body);
}
