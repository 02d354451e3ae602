/**
 * The answers the ECS agent gives when something goes wrong, byte for byte (from its v4 handler tests and the
 * rate limiter it vendors). Handler errors are JSON-encoded strings sent as `application/json`.
 */

/** An HTTP answer: status, headers and body. */
export interface CannedAnswer {
  status: number;
  headers: Record<string, string>;
  /** Fixture bytes are kept as a Buffer so they go out verbatim. */
  body: string | Buffer;
}

const JSON_TYPE = 'application/json';
const TEXT_TYPE = 'text/plain; charset=utf-8';

function jsonString(status: number, message: string): CannedAnswer {
  return { status, headers: { 'Content-Type': JSON_TYPE }, body: JSON.stringify(message) };
}

/** gorilla/mux's default answer for a route the agent does not have (or a file the scenario lacks). */
export function routeNotFound(): CannedAnswer {
  return { status: 404, headers: { 'Content-Type': TEXT_TYPE }, body: '404 page not found\n' };
}

/** The agent's rate limiter answer (tollbooth). */
export function rateLimited(requestsPerSecond: number): CannedAnswer {
  return {
    status: 429,
    headers: {
      'Content-Type': TEXT_TYPE,
      'X-Rate-Limit-Limit': requestsPerSecond.toFixed(2),
      'X-Rate-Limit-Duration': '1',
    },
    body: 'You have reached maximum request limit.',
  };
}

/** Not an agent answer: something between client and agent (a proxy) being unavailable. */
export function serviceUnavailable(): CannedAnswer {
  return { status: 503, headers: { 'Content-Type': TEXT_TYPE }, body: 'Service Unavailable\n' };
}

/**
 * The agent's 404 for a v4 endpoint ID it does not know, per handler. The daemon paths `/tasks...` have no
 * endpoint ID, so they get the router's plain 404.
 */
export function unknownEndpointId(path: string, endpointId: string): CannedAnswer {
  const v3 = `from v3 endpoint ID: ${endpointId}`;
  switch (path) {
    case '':
      return jsonString(
        404,
        `V4 container metadata handler: unable to get container ID from request: unable to get docker ID ${v3}`,
      );
    case '/task':
    case '/taskWithTags':
      return jsonString(
        404,
        `V4 task metadata handler: unable to get task arn from request: unable to get task Arn ${v3}`,
      );
    case '/stats':
      return jsonString(
        404,
        `V4 container stats handler: unable to get task arn from request: unable to get task Arn ${v3}`,
      );
    case '/task/stats':
      return jsonString(
        404,
        `V4 task stats handler: unable to get task arn from request: unable to get task Arn ${v3}`,
      );
    default:
      return routeNotFound();
  }
}

/** The agent's 500 per handler, when its state lacks the container or task (the daemon paths reuse the task ones). */
export function internalError(path: string, dockerId: string, taskArn: string): CannedAnswer {
  switch (path) {
    case '':
      return jsonString(500, `unable to generate metadata for container '${dockerId}'`);
    case '/stats':
      return jsonString(500, `Unable to get container stats for: ${dockerId}`);
    case '/task/stats':
    case '/tasks/stats':
      return jsonString(500, `Unable to get task stats for: ${taskArn}`);
    default:
      return jsonString(500, `Unable to generate metadata for v4 task: '${taskArn}'`);
  }
}
