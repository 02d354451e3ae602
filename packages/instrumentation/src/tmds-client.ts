/*
 * The metadata endpoint client: GETs with a timeout, tracing suppressed (so an app's HTTP instrumentation does
 * not make a span per poll), one in-flight request per path shared by concurrent callers, and failures
 * classified into a small set of causes.
 */
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { HttpGet } from './http-get.js';
import type { CollectionErrorKind, CollectionFailure } from './types.js';

/** A failed read of the metadata endpoint, with its cause. */
export class TmdsError extends Error implements CollectionFailure {
  readonly kind: CollectionErrorKind;
  readonly path: string;
  readonly status?: number;

  constructor(kind: CollectionErrorKind, path: string, message: string, status?: number) {
    super(message);
    this.name = 'TmdsError';
    this.kind = kind;
    this.path = path;
    if (status !== undefined) this.status = status;
  }
}

export interface TmdsClientOptions {
  endpoint: string;
  timeoutMs: number;
  get: HttpGet;
}

const BODY_EXCERPT = 80;

export class TmdsClient {
  private readonly _inflight = new Map<string, Promise<unknown>>();
  private readonly _base: string;

  constructor(private readonly _options: TmdsClientOptions) {
    this._base = _options.endpoint.replace(/\/+$/, '');
  }

  get endpoint(): string {
    return this._options.endpoint;
  }

  /** GET `${endpoint}${path}` and parse it as JSON; concurrent calls for one path share the request. */
  get(path: string): Promise<unknown> {
    let pending = this._inflight.get(path);
    if (!pending) {
      pending = this._request(path).finally(() => this._inflight.delete(path));
      this._inflight.set(path, pending);
    }
    return pending;
  }

  private async _request(path: string): Promise<unknown> {
    const url = `${this._base}${path}`;
    let text: string;
    let status: number;
    try {
      const response = await context.with(suppressTracing(context.active()), () =>
        this._options.get(url, this._options.timeoutMs),
      );
      status = response.status;
      text = response.body;
    } catch (err) {
      throw classifyFetchError(err, path, this._options.timeoutMs);
    }
    if (status === 429) {
      throw new TmdsError('rate-limited', path, `${path} answered 429 (agent rate limit)`, status);
    }
    if (status < 200 || status >= 300) {
      const excerpt = text.slice(0, BODY_EXCERPT).replace(/\s+/g, ' ');
      throw new TmdsError(
        'http-status',
        path,
        `${path} answered HTTP ${status}: ${excerpt}`,
        status,
      );
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new TmdsError('malformed-response', path, `${path} answered with invalid JSON`);
    }
  }
}

function classifyFetchError(err: unknown, path: string, timeoutMs: number): TmdsError {
  const name = err instanceof Error ? err.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new TmdsError('timeout', path, `${path} did not answer within ${timeoutMs} ms`);
  }
  // fetch wraps the socket error in `cause`; node:http throws it as is.
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : undefined;
  const code =
    (cause as NodeJS.ErrnoException | undefined)?.code ?? (err as NodeJS.ErrnoException)?.code;
  const detail = code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
  return new TmdsError('connection', path, `${path} could not be read: ${detail}`);
}
