// Re-exports the 2.x SDK installed beside this file, so tests can import both majors side by side.

export { resourceFromAttributes } from '@opentelemetry/resources';
export * from '@opentelemetry/sdk-metrics';
