/*
 * The default HTTP client: one keep-alive GET with node:http. The global fetch (undici) works too and stays
 * injectable, but in an app that does not otherwise use it, loading and running it costs more memory than the
 * rest of this package (about 15 MB of RSS) and more CPU per request (see BENCHMARKS.md). The endpoint is plain
 * HTTP on a link-local address; any other URL goes to the global fetch.
 */
import http from 'node:http';
import { text } from 'node:stream/consumers';

/** What the client reads of an answer; a `fetch` Response has it. */
export interface HttpResponse {
  status: number;
  text(): Promise<string>;
}

/** A GET that rejects when `signal` aborts; `fetch` has this shape. */
export type HttpGet = (url: string, init: { signal: AbortSignal }) => Promise<HttpResponse>;

/**
 * Node's keep-alive settings, on an agent of our own: an app may swap the global agent (for a proxy, say), and
 * the metadata endpoint must be reached directly. Idle sockets close after 4 s, before the agent's Go server
 * closes them (5 s), so a collection never writes to a socket the server is closing.
 */
const AGENT_OPTIONS: http.AgentOptions = { keepAlive: true, scheduling: 'lifo', timeout: 4_000 };

export function createHttpGet(): HttpGet {
  const agent = new http.Agent(AGENT_OPTIONS);
  return (url, { signal }) => {
    if (!url.startsWith('http:')) return globalThis.fetch(url, { signal });
    return new Promise<HttpResponse>((resolve, reject) => {
      const request = http.get(url, { agent, signal }, (response) => {
        text(response).then(
          (body) => resolve({ status: response.statusCode ?? 0, text: async () => body }),
          reject,
        );
      });
      request.on('error', reject);
    });
  };
}
