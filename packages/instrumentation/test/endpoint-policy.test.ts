import { describe, expect, it } from 'vitest';
import { describeEndpoint, endpointRejection } from '../src/endpoint-policy.js';

describe('which metadata endpoints are called', () => {
  it.each([
    'http://169.254.170.2/v4/0123abcd', // the ECS agent
    'http://169.254.0.1:51679/v4/x',
    'http://127.0.0.1:41234/v4/x', // the emulator
    'http://127.8.9.10/v4/x',
    'http://localhost:8080/v4/x',
    'http://[::1]:8080/v4/x',
    'http://[fe80::1]/v4/x',
    'http://[fd00:ec2::254]/v4/x',
    'http://[fd00:ec2::ffff:1]/v4/x',
    'http://[::ffff:169.254.170.2]/v4/x', // IPv4-mapped link-local
    'http://2852039170/v4/x', // 169.254.170.2 written as one number: URL normalises it
  ])('accepts %s', (url) => {
    expect(endpointRejection(url, false)).toBeUndefined();
  });

  it.each([
    ['https://169.254.170.2/v4/x', 'not plain http'],
    ['http://10.0.0.5/v4/x', 'not plain http on a link-local or loopback'],
    ['http://192.168.1.1/v4/x', 'link-local or loopback'],
    ['http://metadata.example.com/v4/x', 'link-local or loopback'],
    ['http://169.255.0.1/v4/x', 'link-local or loopback'],
    ['http://[fd00:ec2:0:1::1]/v4/x', 'link-local or loopback'], // outside the /64
    ['http://[2001:db8::1]/v4/x', 'link-local or loopback'],
    ['file:///etc/passwd', 'not plain http'],
    ['not a url', 'not a URL'],
  ])('refuses %s', (url, reason) => {
    expect(endpointRejection(url, false)).toContain(reason);
  });

  it('allowAnyEndpoint lifts the address and scheme rules', () => {
    expect(endpointRejection('https://metadata.example.com/v4/x', true)).toBeUndefined();
    expect(endpointRejection('http://10.0.0.5/v4/x', true)).toBeUndefined();
  });

  it('refuses credentials in the URL always, and never repeats them', () => {
    for (const allowAny of [false, true]) {
      const reason = endpointRejection('http://user:s3cr3t@169.254.170.2/v4/x', allowAny);
      expect(reason).toContain('credentials');
      expect(reason).not.toContain('s3cr3t');
      expect(reason).not.toContain('user');
    }
  });

  it('describes an endpoint by scheme and host only', () => {
    expect(describeEndpoint('http://u:p@10.0.0.5:80/v4/abc?token=t')).toBe('http://10.0.0.5');
    expect(describeEndpoint('%%')).toBe('a value that is not a URL');
  });
});
