/*
 * How the client GETs a URL with a timeout. The default is one keep-alive GET with node:http. The global fetch
 * (undici) works too and stays injectable, but costs about a third more CPU per GET of /task/stats (see
 * BENCHMARKS.md), and an app that does not otherwise use it would load it for this alone. The endpoint is plain
 * HTTP on a link-local address; any other URL goes to the global fetch.
 */
import http from 'node:http';
import { text } from 'node:stream/consumers';

/** An answer, body read. */
export interface HttpResponse {
  status: number;
  body: string;
}

/**
 * GETs `url`, body included; after `timeoutMs` it rejects with an error named `TimeoutError` (or `AbortError`)
 * and the request is dropped.
 */
export type HttpGet = (url: string, timeoutMs: number) => Promise<HttpResponse>;

/** The `fetch` signature the `fetch` option takes (the global `fetch` fits). */
export type FetchLike = (
  url: string,
  init: { signal: AbortSignal },
) => Promise<{ status: number; text(): Promise<string> }>;

/**
 * Node's keep-alive settings, on an agent of our own: an app may swap the global agent (for a proxy, say), and
 * the metadata endpoint must be reached directly. Idle sockets close after 4 s, before the agent's Go server
 * closes them (5 s), so a collection never writes to a socket the server is closing.
 */
const AGENT_OPTIONS: http.AgentOptions = { keepAlive: true, scheduling: 'lifo', timeout: 4_000 };

function timeoutError(timeoutMs: number): Error {
  const error = new Error(`no answer within ${timeoutMs} ms`);
  error.name = 'TimeoutError';
  return error;
}

/** A GET with `fetch`: aborted by a timer that is cleared once the body is read. */
export function fetchGet(fetchImpl: FetchLike): HttpGet {
  return async (url, timeoutMs) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    timer.unref();
    try {
      const response = await fetchImpl(url, { signal: controller.signal });
      return { status: response.status, body: await response.text() };
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * The default: node:http for http: URLs, the global fetch for the others. The timeout destroys the request
 * (cheaper than an AbortSignal, which node:http would listen to for every request).
 */
export function createHttpGet(): HttpGet {
  const agent = new http.Agent(AGENT_OPTIONS);
  const viaFetch = fetchGet((url, init) => globalThis.fetch(url, init));
  return (url, timeoutMs) => {
    if (!url.startsWith('http:')) return viaFetch(url, timeoutMs);
    return new Promise<HttpResponse>((resolve, reject) => {
      let timedOut = false;
      // Whatever error the destroyed request surfaces (hang-up, aborted body), a timeout is reported as one.
      const fail = (err: unknown) => {
        clearTimeout(timer);
        reject(timedOut ? timeoutError(timeoutMs) : err);
      };
      const request = http.get(url, { agent }, (response) => {
        text(response).then((body) => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, body });
        }, fail);
      });
      const timer = setTimeout(() => {
        timedOut = true;
        request.destroy();
      }, timeoutMs);
      timer.unref();
      request.on('error', fail);
    });
  };
}
