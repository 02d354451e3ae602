import { awsEcsDetector } from '@opentelemetry/resource-detector-aws';
import {
  defaultResource,
  detectResources,
  envDetector,
  type Resource,
} from '@opentelemetry/resources';

/**
 * The SDK's default resource, then `OTEL_RESOURCE_ATTRIBUTES`/`OTEL_SERVICE_NAME`, then what `awsEcsDetector`
 * reads from the task metadata endpoint (cluster, task ARN, family, revision, launch type, zone...), then `extra`.
 * The detector answers asynchronously; the reader waits for it before the first export.
 */
export function ecsResource(extra?: Resource): Resource {
  const detected = detectResources({ detectors: [envDetector, awsEcsDetector] });
  const resource = defaultResource().merge(detected);
  return extra ? resource.merge(extra) : resource;
}
