// The address policy: every blocked range, public addresses let through, embedded IPv4 forms, and allow-list matching.
import { describe, expect, it } from 'vitest';
import { allowlistMatches, isBlockedAddress } from './address-policy';

describe('isBlockedAddress', () => {
  it.each([
    ['0.0.0.0', '0.0.0.0/8'],
    ['0.1.2.3', '0.0.0.0/8'],
    ['10.0.0.1', '10.0.0.0/8'],
    ['10.255.255.255', '10.0.0.0/8'],
    ['100.64.0.1', '100.64.0.0/10'],
    ['100.127.255.254', '100.64.0.0/10'],
    ['127.0.0.1', '127.0.0.0/8'],
    ['127.255.0.9', '127.0.0.0/8'],
    ['169.254.0.1', '169.254.0.0/16'],
    ['169.254.169.254', '169.254.169.254/32 (cloud metadata)'],
    ['172.16.0.1', '172.16.0.0/12'],
    ['172.31.255.255', '172.16.0.0/12'],
    ['192.0.0.8', '192.0.0.0/24'],
    ['192.0.2.10', '192.0.2.0/24'],
    ['192.168.1.1', '192.168.0.0/16'],
    ['198.18.0.1', '198.18.0.0/15'],
    ['198.19.255.1', '198.18.0.0/15'],
    ['198.51.100.7', '198.51.100.0/24'],
    ['203.0.113.9', '203.0.113.0/24'],
    ['224.0.0.1', '224.0.0.0/4'],
    ['239.255.255.250', '224.0.0.0/4'],
    ['240.0.0.1', '240.0.0.0/4'],
    ['255.255.255.255', '255.255.255.255/32 (broadcast)'],
  ])('blocks IPv4 %s (%s)', (ip, range) => {
    const verdict = isBlockedAddress(ip);
    expect(verdict.blocked).toBe(true);
    if (verdict.blocked) expect(verdict.range).toContain(range);
  });

  it.each([
    ['::', '::/128'],
    ['::1', '::1/128'],
    ['0:0:0:0:0:0:0:1', '::1/128'],
    ['fc00::1', 'fc00::/7'],
    ['fd12:3456::1', 'fc00::/7'],
    ['fd00:ec2::254', 'fc00::/7'],
    ['fe80::1', 'fe80::/10'],
    ['fe80::1%eth0', 'fe80::/10'],
    ['febf::1', 'fe80::/10'],
    ['ff02::1', 'ff00::/8'],
    ['2001:db8::1', '2001:db8::/32'],
    ['64:ff9b:1::a00:1', '64:ff9b:1::/48'],
    ['::127.0.0.1', '::/96'],
  ])('blocks IPv6 %s (%s)', (ip, range) => {
    const verdict = isBlockedAddress(ip);
    expect(verdict.blocked).toBe(true);
    if (verdict.blocked) expect(verdict.range).toContain(range);
  });

  it.each([
    ['::ffff:127.0.0.1', '127.0.0.0/8', 'IPv4-mapped'],
    ['::ffff:7f00:1', '127.0.0.0/8', 'IPv4-mapped'],
    ['::FFFF:169.254.169.254', '169.254.169.254/32', 'IPv4-mapped'],
    ['::ffff:a00:1', '10.0.0.0/8', 'IPv4-mapped'],
    ['::ffff:0:192.168.0.1', '192.168.0.0/16', 'IPv4-translated'],
    ['64:ff9b::127.0.0.1', '127.0.0.0/8', 'NAT64'],
    ['64:ff9b::a9fe:a9fe', '169.254.169.254/32', 'NAT64'],
    ['2002:a00:1::1', '10.0.0.0/8', '6to4'],
  ])('checks the IPv4 address inside %s', (ip, range, form) => {
    const verdict = isBlockedAddress(ip);
    expect(verdict.blocked).toBe(true);
    if (verdict.blocked) {
      expect(verdict.range).toContain(range);
      expect(verdict.range).toContain(form);
    }
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '100.128.0.1', '169.255.0.1', '2606:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])(
    'lets public %s through',
    (ip) => {
      expect(isBlockedAddress(ip)).toEqual({ blocked: false });
    },
  );

  it.each(['localhost', 'example.com', '', '127.1', '1.2.3.4.5', '[::1]'])('fails closed on %j, which is not an IP address', (text) => {
    expect(isBlockedAddress(text)).toEqual({ blocked: true, range: 'not an IP address' });
  });
});

describe('allowlistMatches', () => {
  it('matches a bare host on any port, case-insensitively', () => {
    expect(allowlistMatches(['Example.COM'], 'example.com', 443)).toBe(true);
    expect(allowlistMatches(['example.com'], 'EXAMPLE.com', 8080)).toBe(true);
    expect(allowlistMatches(['example.com'], 'example.com.', 80)).toBe(true);
    expect(allowlistMatches(['example.com'], 'www.example.com', 80)).toBe(false);
    expect(allowlistMatches(['example.com'], 'example.com.evil.test', 80)).toBe(false);
  });

  it('matches host:port on that port only', () => {
    expect(allowlistMatches(['127.0.0.1:8080'], '127.0.0.1', 8080)).toBe(true);
    expect(allowlistMatches(['127.0.0.1:8080'], '127.0.0.1', 8081)).toBe(false);
    expect(allowlistMatches(['127.0.0.1:8080'], 'localhost', 8080)).toBe(false);
    expect(allowlistMatches(['localhost:3000'], 'LOCALHOST', 3000)).toBe(true);
  });

  it('understands IPv6 in brackets, with or without a port, in any spelling', () => {
    expect(allowlistMatches(['[::1]:8080'], '::1', 8080)).toBe(true);
    expect(allowlistMatches(['[::1]:8080'], '[::1]', 8080)).toBe(true);
    expect(allowlistMatches(['[::1]:8080'], '::1', 8081)).toBe(false);
    expect(allowlistMatches(['[0:0::1]'], '::1', 1)).toBe(true);
    expect(allowlistMatches(['::1'], '::1', 9)).toBe(true);
    expect(allowlistMatches(['[fd00::1]'], 'fd00::2', 80)).toBe(false);
  });

  it('lets *. match subdomains but not the domain itself, and never IP addresses', () => {
    expect(allowlistMatches(['*.example.com'], 'api.example.com', 443)).toBe(true);
    expect(allowlistMatches(['*.example.com'], 'a.b.example.com', 443)).toBe(true);
    expect(allowlistMatches(['*.example.com'], 'example.com', 443)).toBe(false);
    expect(allowlistMatches(['*.example.com'], 'badexample.com', 443)).toBe(false);
    expect(allowlistMatches(['*.example.com:8443'], 'api.example.com', 443)).toBe(false);
    expect(allowlistMatches(['*.0.0.1'], '127.0.0.1', 80)).toBe(false);
  });

  it('ignores malformed entries instead of matching broadly', () => {
    for (const entry of ['', '*', '*.', 'host:', 'host:abc', 'host:70000', '[::1', '[::1]x', '[nothost]:80', 'a*b.com', 'user@host', 'host/path']) {
      expect(allowlistMatches([entry], 'host', 80), entry).toBe(false);
    }
    expect(allowlistMatches([], 'example.com', 80)).toBe(false);
  });
});
