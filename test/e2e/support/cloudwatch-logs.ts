// Reads back what awsemf wrote to moto's CloudWatch Logs.
import {
  CloudWatchLogsClient,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';

/** Region and dummy credentials shared by the collector and the test's client. */
export const TEST_AWS_ENV = {
  AWS_REGION: 'us-west-2',
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  // No instance metadata lookups from the collector's AWS SDK.
  AWS_EC2_METADATA_DISABLED: 'true',
} as const;

export function logsClient(endpoint: string): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    endpoint,
    region: TEST_AWS_ENV.AWS_REGION,
    credentials: {
      accessKeyId: TEST_AWS_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY,
    },
  });
}

/** Every message of one log stream, oldest first; empty when the group or stream does not exist yet. */
export async function readLogMessages(
  client: CloudWatchLogsClient,
  logGroupName: string,
  logStreamName: string,
): Promise<string[]> {
  const streams = await client
    .send(new DescribeLogStreamsCommand({ logGroupName, logStreamNamePrefix: logStreamName }))
    .catch(() => undefined);
  if (!streams?.logStreams?.some((s) => s.logStreamName === logStreamName)) return [];
  const messages: string[] = [];
  let nextToken: string | undefined;
  // Bounded paging: moto returns at most 10 000 events a page.
  for (let page = 0; page < 100; page++) {
    const answer = await client.send(
      new GetLogEventsCommand({ logGroupName, logStreamName, startFromHead: true, nextToken }),
    );
    for (const event of answer.events ?? []) if (event.message) messages.push(event.message);
    if (!answer.nextForwardToken || answer.nextForwardToken === nextToken) break;
    nextToken = answer.nextForwardToken;
  }
  return messages;
}
