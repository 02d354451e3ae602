import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';

const read = (file: string): any =>
  JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });

function valid(schema: object, data: unknown): string[] {
  const validate = ajv.compile(schema);
  return validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const taskDefinition = read('task-definition.json');
const stateMachine = read('state-machine.asl.json');
const rules = ['container-nonzero-exit', 'runtask-failures', 'task-running'].map((name) => ({
  name,
  rule: read(`eventbridge/${name}.json`),
}));

// Fargate's CPU units and the memory (MiB) each allows (RegisterTaskDefinition rejects other pairs).
const FARGATE_MEMORY: Record<string, (mib: number) => boolean> = {
  '256': (m) => [512, 1024, 2048].includes(m),
  '512': (m) => m >= 1024 && m <= 4096 && m % 1024 === 0,
  '1024': (m) => m >= 2048 && m <= 8192 && m % 1024 === 0,
  '2048': (m) => m >= 4096 && m <= 16384 && m % 1024 === 0,
  '4096': (m) => m >= 8192 && m <= 30720 && m % 1024 === 0,
};

describe('task definition (RegisterTaskDefinition input)', () => {
  it('has what ECS needs for a Fargate task with awslogs', () => {
    const errors = valid(
      {
        type: 'object',
        required: [
          'family',
          'containerDefinitions',
          'requiresCompatibilities',
          'networkMode',
          'cpu',
          'memory',
          'executionRoleArn',
        ],
        properties: {
          family: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,255}$' },
          requiresCompatibilities: { type: 'array', contains: { const: 'FARGATE' } },
          networkMode: { const: 'awsvpc' },
          cpu: { type: 'string' },
          memory: { type: 'string', pattern: '^\\d+$' },
          executionRoleArn: { type: 'string', pattern: '^arn:aws:iam::\\d{12}:role/' },
          containerDefinitions: {
            type: 'array',
            minItems: 1,
            contains: {
              type: 'object',
              required: ['essential'],
              properties: { essential: { const: true } },
            },
            items: {
              type: 'object',
              required: ['name', 'image'],
              properties: {
                name: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,255}$' },
                image: { type: 'string', minLength: 1 },
                logConfiguration: {
                  type: 'object',
                  required: ['logDriver'],
                  // awslogs needs its group, region and stream prefix.
                  anyOf: [
                    { properties: { logDriver: { not: { const: 'awslogs' } } } },
                    {
                      required: ['options'],
                      properties: {
                        options: {
                          type: 'object',
                          required: ['awslogs-group', 'awslogs-region', 'awslogs-stream-prefix'],
                        },
                      },
                    },
                  ],
                },
              },
            },
          },
        },
      },
      taskDefinition,
    );
    expect(errors).toEqual([]);
    const allowed = FARGATE_MEMORY[taskDefinition.cpu];
    expect(allowed?.(Number(taskDefinition.memory))).toBe(true);
  });
});

describe('Step Functions state machine', () => {
  it('is valid Amazon States Language', () => {
    const result = aslValidator(stateMachine);
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('starts the task with runTask.sync, retries, and catches to an SNS alert', () => {
    const start = stateMachine.States[stateMachine.StartAt];
    expect(start.Resource).toBe('arn:aws:states:::ecs:runTask.sync');
    expect(start.Retry.length).toBeGreaterThan(0);
    for (const retry of start.Retry) {
      expect(retry.ErrorEquals.length).toBeGreaterThan(0);
      expect(retry.MaxAttempts).toBeGreaterThan(0);
    }
    const catchAll = start.Catch.find((c: any) => c.ErrorEquals.includes('States.ALL'));
    const alert = stateMachine.States[catchAll.Next];
    expect(alert.Resource).toBe('arn:aws:states:::sns:publish');
    expect(alert.Parameters.TopicArn).toMatch(/^arn:aws:sns:[a-z0-9-]+:\d{12}:[\w-]+$/);
    // The task it runs is the one defined here, and the override names its container.
    expect(start.Parameters.TaskDefinition).toMatch(
      new RegExp(`task-definition/${taskDefinition.family}(:\\d+)?$`),
    );
    const names = taskDefinition.containerDefinitions.map((c: any) => c.name);
    for (const o of start.Parameters.Overrides.ContainerOverrides) expect(names).toContain(o.Name);
    // awsvpc tasks need a network configuration in RunTask.
    expect(
      start.Parameters.NetworkConfiguration.AwsvpcConfiguration.Subnets.length,
    ).toBeGreaterThan(0);
  });
});

// EventBridge patterns: every leaf is an array of values or of filter objects.
const patternNode: object = {
  $id: 'node',
  type: 'object',
  minProperties: 1,
  additionalProperties: {
    anyOf: [
      {
        type: 'array',
        minItems: 1,
        items: {
          anyOf: [
            { type: ['string', 'number', 'boolean', 'null'] },
            { type: 'object', minProperties: 1, maxProperties: 1 },
          ],
        },
      },
      { $ref: 'node' },
    ],
  },
};

describe('EventBridge rules (PutRule + PutTargets input)', () => {
  it.each(rules)(
    '$name has a valid name, pattern shape, source and detail-type, and a target',
    ({ rule }) => {
      const errors = valid(
        {
          type: 'object',
          required: ['Name', 'EventPattern', 'Targets'],
          properties: {
            Name: { type: 'string', pattern: '^[.\\-_A-Za-z0-9]{1,64}$' },
            Description: { type: 'string', maxLength: 512 },
            State: { enum: ['ENABLED', 'DISABLED'] },
            EventPattern: {
              allOf: [
                patternNode,
                {
                  required: ['source', 'detail-type'],
                  properties: { source: { const: ['aws.ecs'] } },
                },
              ],
            },
            Targets: {
              type: 'array',
              minItems: 1,
              items: {
                type: 'object',
                required: ['Id', 'Arn'],
                properties: { Arn: { type: 'string', pattern: '^arn:aws:' } },
              },
            },
          },
        },
        rule,
      );
      expect(errors).toEqual([]);
    },
  );

  it('match what each rule is for', () => {
    const [exit, failures, running] = rules.map((r) => r.rule.EventPattern);
    expect(exit['detail-type']).toEqual(['ECS Task State Change']);
    expect(exit.detail.lastStatus).toEqual(['STOPPED']);
    expect(exit.detail.containers.exitCode).toEqual([{ 'anything-but': 0 }]);
    expect(failures['detail-type']).toEqual(['AWS API Call via CloudTrail']);
    expect(failures.detail.eventName).toEqual(['RunTask']);
    expect(failures.detail.responseElements.failures).toBeDefined();
    expect(running.detail.lastStatus).toEqual(['RUNNING']);
    for (const pattern of [exit, running]) {
      expect(pattern.detail.group).toEqual([`family:${taskDefinition.family}`]);
    }
  });
});
