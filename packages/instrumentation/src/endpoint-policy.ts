/*
 * Which metadata endpoints the instrumentation will call. The URL comes from the environment, and whatever it names
 * gets a request every collection, so only the places the ECS agent serves from are accepted by default: plain http
 * on a link-local address (169.254.170.2 on ECS) or on loopback (tests, the emulator, local agents).
 */
import { BlockList, isIP } from 'node:net';

function allowedAddresses(): BlockList {
  const list = new BlockList();
  list.addSubnet('169.254.0.0', 16, 'ipv4'); // IPv4 link-local; the ECS agent is 169.254.170.2
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addAddress('::1', 'ipv6');
  list.addSubnet('fe80::', 10, 'ipv6'); // IPv6 link-local
  list.addSubnet('fd00:ec2::', 64, 'ipv6'); // the AWS link-local services prefix on IPv6
  return list;
}

/** The URL without credentials, path or query: what a diagnostic may show of it. */
export function describeEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return `${url.protocol}//${url.host}`;
  } catch {
    return 'a value that is not a URL';
  }
}

/**
 * Why `endpoint` must not be called, or undefined when it may. `allowAny` lifts the address and scheme rules;
 * credentials in the URL are refused always (fetch would refuse them too, after echoing them in its error).
 */
export function endpointRejection(endpoint: string, allowAny: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'the metadata endpoint is not a URL';
  }
  const shown = describeEndpoint(endpoint);
  if (url.username || url.password) {
    return `the metadata endpoint ${shown} carries credentials in its URL; refusing it`;
  }
  if (allowAny) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const family = isIP(host);
  const allowed =
    url.protocol === 'http:' &&
    (host === 'localhost' ||
      (family !== 0 && allowedAddresses().check(host, family === 6 ? 'ipv6' : 'ipv4')));
  return allowed
    ? undefined
    : `the metadata endpoint ${shown} is not plain http on a link-local or loopback address; ` +
        'set allowAnyEndpoint: true to use it';
}
