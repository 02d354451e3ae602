import {
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One request the proxy saw, body decompressed. */
export interface SeenRequest {
  target: string;
  contentEncoding: string | undefined;
  /** Size of the body as sent (compressed when gzip). */
  wireBytes: number;
  body: string;
  /** What the proxy did with it. */
  outcome: 'forwarded' | Fault | 'invalid';
}

export type Fault = 'throttle' | 'server-error' | 'reset';

interface Datum {
  MetricName: string;
}

/**
 * A loopback proxy in front of moto that injects the faults moto cannot produce: throttling,
 * 5xx, connection resets, and a 400 for requests containing chosen datums. It also records every
 * request, and decompresses gzip bodies before forwarding, since moto's server mode cannot read
 * them with the JSON protocol.
 */
export class FaultProxy {
  readonly requests: SeenRequest[] = [];
  private faults: Fault[] = [];
  private invalid: (datum: Datum) => boolean = () => false;
  private server: Server | undefined;

  constructor(private readonly upstream: string) {}

  get endpoint(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The next PutMetricData requests meet these faults, one each, in order. */
  failNext(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  /** Requests containing a datum for which `predicate` holds are refused as CloudWatch would. */
  rejectDatums(predicate: (datum: Datum) => boolean): void {
    this.invalid = predicate;
  }

  /** PutMetricData requests seen (retries and split requests included). */
  putMetricDataRequests(): SeenRequest[] {
    return this.requests.filter((r) => r.target.endsWith('.PutMetricData'));
  }

  reset(): void {
    this.requests.length = 0;
    this.faults = [];
    this.invalid = () => false;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const contentEncoding = req.headers['content-encoding'];
    const body = (contentEncoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
    const target = String(req.headers['x-amz-target'] ?? '');
    const seen: SeenRequest = {
      target,
      contentEncoding,
      wireBytes: raw.length,
      body,
      outcome: 'forwarded',
    };
    this.requests.push(seen);

    if (target.endsWith('.PutMetricData')) {
      const fault = this.faults.shift();
      if (fault) {
        seen.outcome = fault;
        return this.inject(fault, res);
      }
      const datums: Datum[] = JSON.parse(body).MetricData ?? [];
      if (datums.some(this.invalid)) {
        seen.outcome = 'invalid';
        // As moto and CloudWatch answer: the modeled exception type, the query-compatible code.
        return this.error(
          res,
          400,
          'InvalidParameterValue',
          'The value for parameter MetricData is invalid.',
          'InvalidParameterValueException',
        );
      }
    }
    this.forward(req, Buffer.from(body), res);
  }

  private inject(fault: Fault, res: ServerResponse): void {
    if (fault === 'reset') {
      res.socket?.resetAndDestroy();
      return;
    }
    if (fault === 'throttle') this.error(res, 400, 'Throttling', 'Rate exceeded');
    else this.error(res, 500, 'InternalServiceError', 'Internal service error');
  }

  // The error shape of CloudWatch's JSON protocol, with the query-compatible error code header.
  private error(
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    type = code,
  ): void {
    const fault = status >= 500 ? 'Receiver' : 'Sender';
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-query-error': `${code};${fault}`,
      'x-amzn-requestid': 'fault-proxy',
    });
    res.end(JSON.stringify({ __type: `com.amazonaws.cloudwatch#${type}`, message }));
  }

  private forward(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const headers = { ...req.headers, 'content-length': String(body.length) };
    delete headers['content-encoding'];
    const upstream = new URL(this.upstream);
    const outgoing = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    outgoing.on('error', () => res.destroy());
    outgoing.end(body);
  }
}
