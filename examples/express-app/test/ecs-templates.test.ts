import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { DEFAULT_RESOURCE_DIMENSIONS, dimensionName } from '@ecs-task-metrics/cloudwatch-mapping';
import { DEFAULTS, ENV } from '@ecs-task-metrics/node';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse, type Tags } from 'yaml';

const EXAMPLE = new URL('../', import.meta.url);
const REPO = new URL('../../../', import.meta.url);
const read = (path: string, base = EXAMPLE) => readFileSync(new URL(path, base), 'utf8');
const json = (path: string): any => JSON.parse(read(path));

// --- CloudFormation YAML: the short-form intrinsic functions as their long form ---
const INTRINSICS = ['Ref', 'Sub', 'GetAtt', 'If', 'Equals', 'Not', 'And', 'Or', 'Join', 'Select'];
const longForm = (fn: string) => (fn === 'Ref' ? 'Ref' : `Fn::${fn}`);
const cfnTags: Tags = INTRINSICS.flatMap((fn) => [
  {
    tag: `!${fn}`,
    resolve: (text: string) => ({ [longForm(fn)]: fn === 'GetAtt' ? text.split('.') : text }),
  },
  {
    tag: `!${fn}`,
    collection: 'seq' as const,
    resolve: (seq: { toJSON(): unknown }) => ({ [longForm(fn)]: seq.toJSON() }),
  },
  {
    tag: `!${fn}`,
    collection: 'map' as const,
    resolve: (map: { toJSON(): unknown }) => ({ [longForm(fn)]: map.toJSON() }),
  },
]) as Tags;
const template: any = parse(read('ecs/cloudformation.yaml'), { customTags: cfnTags });

const ajv = new Ajv({ allErrors: true });
const validTaskDefinition = ajv.compile(json('test/schemas/task-definition.schema.json'));
const validPolicy = ajv.compile(json('test/schemas/iam-policy.schema.json'));

type Container = {
  name: string;
  stopTimeout?: number;
  linuxParameters?: { initProcessEnabled?: boolean };
  essential: boolean;
  environment?: Array<{ name: string; value: string }>;
  secrets?: Array<{ name: string; valueFrom: string }>;
  portMappings?: Array<{ containerPort: number }>;
  dependsOn?: Array<{ containerName: string; condition: string }>;
  healthCheck?: { command: string[] };
};
const env = (c: Container) =>
  Object.fromEntries((c.environment ?? []).map((e) => [e.name, e.value]));
const container = (td: { containerDefinitions: Container[] }, name: string) => {
  const found = td.containerDefinitions.find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
};

/** The variables this project reads (ours, and the OTLP exporter's), so a misspelt one fails. */
const KNOWN_VARIABLES = new Set<string>([
  ...Object.values(ENV),
  'HOST',
  'PORT',
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
]);

describe.each([
  ['task-definition-cloudwatch.json', 'cloudwatch'],
  ['task-definition-adot.json', 'otlp'],
])('%s', (file, exporter) => {
  const td = json(`ecs/${file}`);
  const app = container(td, 'app');

  it('is a valid task definition', () => {
    expect(validTaskDefinition(td), ajv.errorsText(validTaskDefinition.errors)).toBe(true);
    const names = td.containerDefinitions.map((c: Container) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('runs the app on the port it maps, reachable from outside the container, and checks /healthz there', () => {
    const vars = env(app);
    expect(app.essential).toBe(true);
    expect(vars.HOST).toBe('0.0.0.0');
    expect(app.portMappings?.map((p) => p.containerPort)).toEqual([Number(vars.PORT)]);
    expect(app.healthCheck?.command.join(' ')).toContain(`:${vars.PORT}/healthz`);
  });

  it(`configures the metrics through the environment: exporter ${exporter}, only known variables`, () => {
    const vars = env(app);
    expect(vars[ENV.exporter]).toBe(exporter);
    for (const name of Object.keys(vars)) expect(KNOWN_VARIABLES, name).toContain(name);
  });

  it("lets the app's last export finish before ECS's SIGKILL", () => {
    // stopTimeout is the time between SIGTERM and SIGKILL; the flush on SIGTERM is bounded well inside it.
    for (const c of td.containerDefinitions) {
      expect(c.stopTimeout * 1000).toBeGreaterThan(DEFAULTS.shutdownTimeoutMillis);
    }
    // Node as PID 1 would ignore a SIGTERM it has no handler for; the init process forwards it.
    expect(app.linuxParameters?.initProcessEnabled).toBe(true);
  });
});

describe('the CloudWatch (direct) path', () => {
  const td = json('ecs/task-definition-cloudwatch.json');
  const policy = json('ecs/iam-policy.json');

  it('has a least-privilege policy: PutMetricData only, in the namespace the app writes to', () => {
    expect(validPolicy(policy), ajv.errorsText(validPolicy.errors)).toBe(true);
    expect(policy.Statement).toHaveLength(1);
    const [statement] = policy.Statement;
    expect(statement.Action).toBe('cloudwatch:PutMetricData');
    const namespace = env(container(td, 'app'))[ENV.namespace];
    expect(statement.Condition).toEqual({
      StringEquals: { 'cloudwatch:namespace': namespace },
    });
    expect(template.Parameters.Namespace.Default).toBe(namespace);
    expect(namespace).toBe(DEFAULTS.namespace);
  });
});

describe('the ADOT sidecar path', () => {
  const collectorYaml = new URL('otel-collector.yaml', REPO);
  const td = json('ecs/task-definition-adot.json');
  const app = container(td, 'app');
  const sidecar = container(td, 'aws-otel-collector');

  it('starts the app only once the sidecar is healthy, and the sidecar has a health check', () => {
    expect(app.dependsOn).toEqual([{ containerName: sidecar.name, condition: 'HEALTHY' }]);
    expect(sidecar.healthCheck?.command.length).toBeGreaterThan(0);
  });

  it('gives the sidecar its configuration in AOT_CONFIG_CONTENT from the SSM parameter the execution role may read', () => {
    const secret = sidecar.secrets?.find((s) => s.name === 'AOT_CONFIG_CONTENT');
    expect(secret).toBeDefined();
    const parameter = secret!.valueFrom.split(':parameter')[1];
    const ssm = json('ecs/iam-policy-execution-ssm.json');
    expect(validPolicy(ssm), ajv.errorsText(validPolicy.errors)).toBe(true);
    expect(ssm.Statement[0].Action).toBe('ssm:GetParameters');
    expect(ssm.Statement[0].Resource).toBe(`arn:aws:ssm:*:*:parameter${parameter}`);
  });

  it('lets the sidecar write EMF log events only into its log groups', () => {
    const policy = json('ecs/iam-policy-adot.json');
    expect(validPolicy(policy), ajv.errorsText(validPolicy.errors)).toBe(true);
    for (const s of policy.Statement) {
      const actions = [s.Action].flat() as string[];
      for (const action of actions) expect(action).toMatch(/^logs:/);
      // Listing log groups has no narrower resource; every other action stays inside the sidecar's groups.
      if (actions.every((a) => a.startsWith('logs:Describe') && a.endsWith('Groups'))) continue;
      for (const resource of [s.Resource].flat()) {
        expect(resource).toMatch(/^arn:aws:logs:\*:\*:log-group:\/ecs\/task-metrics\//);
      }
    }
    // The log group awsemf writes to, from otel-collector.yaml.
    if (existsSync(collectorYaml)) {
      const config: any = parse(read('otel-collector.yaml', REPO));
      expect(config.exporters.awsemf.log_group_name).toMatch(/^\/ecs\/task-metrics\//);
    }
  });

  it.skipIf(!existsSync(collectorYaml))(
    "sends OTLP to the port otel-collector.yaml's receiver listens on, and alarms on the dimensions it declares",
    () => {
      const config: any = parse(read('otel-collector.yaml', REPO));
      const endpoint: string = config.receivers.otlp.protocols.http.endpoint;
      const port = /:(\d+)\}?$/.exec(endpoint)?.[1];
      expect(env(app).OTEL_EXPORTER_OTLP_ENDPOINT).toBe(`http://127.0.0.1:${port}`);
      const taskDeclaration = config.exporters.awsemf.metric_declarations.find((d: any) =>
        d.metric_name_selectors.some((s: string) => s.includes('aws\\.ecs\\.task')),
      );
      const alarmDimensions = template.Resources.TaskMemoryUtilizationAlarm.Properties.Dimensions[
        'Fn::If'
      ][1].map((d: { Name: string }) => d.Name);
      expect(taskDeclaration.dimensions).toContainEqual(alarmDimensions);
    },
  );
});

describe('cloudformation.yaml', () => {
  const resources: Record<string, { Type: string; Properties: any; Condition?: string }> =
    template.Resources;
  const byType = (type: string) => Object.values(resources).filter((r) => r.Type === type);

  it('refers only to parameters, resources, conditions and pseudo parameters that exist', () => {
    const names = new Set([
      ...Object.keys(template.Parameters),
      ...Object.keys(resources),
      'AWS::Partition',
      'AWS::Region',
      'AWS::AccountId',
      'AWS::StackName',
    ]);
    const conditions = new Set(Object.keys(template.Conditions));
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) {
        for (const item of node) walk(item);
        return;
      }
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'Ref') expect(names, `Ref ${value}`).toContain(value);
        if (key === 'Fn::GetAtt')
          expect(resources, `GetAtt ${value}`).toHaveProperty([(value as string[])[0]!]);
        if (key === 'Fn::Sub') {
          for (const [, name] of String(value).matchAll(/\$\{([^}]+)\}/g)) {
            expect(names, `\${${name}}`).toContain(name);
          }
        }
        if (key === 'Fn::If') expect(conditions).toContain((value as string[])[0]);
        if (key === 'Condition' && typeof value === 'string') expect(conditions).toContain(value);
        walk(value);
      }
    };
    walk(template.Resources);
    walk(template.Outputs);
    walk(template.Conditions);
  });

  it('alarms on the task memory utilization, a 0..1 ratio, notifying the topic', () => {
    const [alarm] = byType('AWS::CloudWatch::Alarm');
    const p = alarm!.Properties;
    expect(p.MetricName).toBe('aws.ecs.task.memory.utilization');
    expect(p.Namespace).toEqual({ Ref: 'Namespace' });
    expect(template.Parameters.MemoryUtilizationThreshold.MaxValue).toBe(1);
    // The direct path's dimensions: the resource attributes the exporters turn into dimensions by default, of
    // those the ECS resource detector sets (it sets no service name).
    const detected = ['aws.ecs.cluster.arn', 'aws.ecs.task.family'];
    expect(p.Dimensions['Fn::If'][2].map((d: { Name: string }) => d.Name)).toEqual(
      DEFAULT_RESOURCE_DIMENSIONS.filter((a) => detected.includes(a)).map(dimensionName),
    );
    expect(p.AlarmActions).toEqual([{ Ref: 'NotificationTopic' }]);
  });

  it('notifies when a container of the task stops with a non-zero exit code', () => {
    const [rule] = byType('AWS::Events::Rule');
    const pattern = rule!.Properties.EventPattern;
    expect(pattern.source).toEqual(['aws.ecs']);
    expect(pattern['detail-type']).toEqual(['ECS Task State Change']);
    expect(pattern.detail.containers.exitCode).toEqual([{ 'anything-but': 0 }]);
    expect(rule!.Properties.Targets[0].Arn).toEqual({ Ref: 'NotificationTopic' });
    const family = json('ecs/task-definition-cloudwatch.json').family;
    expect(template.Parameters.TaskFamily.Default).toBe(family);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it('is multi-stage on node:24-slim and runs as a non-root user', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-slim$/m);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/^\$\{NODE_IMAGE\} AS \w+/);
    const runtime = stages.at(-1)!;
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).not.toMatch(/^RUN npm/m);
    expect(dockerfile).toMatch(
      /npm ci --omit=dev --workspace @ecs-task-metrics\/example-express-app/,
    );
  });

  it('copies every workspace package the app needs at run time into the runtime stage', () => {
    // Every workspace (the root's `dir/*` globs), by package name.
    const workspaces = new Map<string, string>();
    for (const glob of JSON.parse(read('package.json', REPO)).workspaces as string[]) {
      const parent = glob.replace(/\/\*$/, '');
      for (const name of readdirSync(new URL(`${parent}/`, REPO))) {
        const path = new URL(`${parent}/${name}/package.json`, REPO);
        if (existsSync(path)) {
          workspaces.set(JSON.parse(readFileSync(path, 'utf8')).name, `${parent}/${name}`);
        }
      }
    }
    // The app's production dependencies that are workspaces, transitively.
    const needed = new Set<string>();
    const visit = (dir: string) => {
      needed.add(dir);
      const pkg = JSON.parse(readFileSync(new URL(`${dir}/package.json`, REPO), 'utf8'));
      for (const dep of Object.keys(pkg.dependencies ?? {})) {
        const workspace = workspaces.get(dep);
        if (workspace && !needed.has(workspace)) visit(workspace);
      }
    };
    visit('examples/express-app');
    const runtime = stages.at(-1)!;
    for (const dir of needed) {
      expect(runtime).toContain(`COPY --from=build /repo/${dir}/package.json ${dir}/`);
      expect(runtime).toContain(`COPY --from=build /repo/${dir}/dist ${dir}/dist`);
    }
  });
});
