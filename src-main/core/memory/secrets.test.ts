// The secret check: key formats, private keys, labelled values and random strings are found; ordinary sentences are not.
import { describe, expect, it } from 'vitest';
import { describeFindings, findSecrets, isSecretLabel } from './secrets';

const whats = (content: string, metadata: Record<string, unknown> = {}) => findSecrets(content, metadata).map((f) => f.what);

describe('findSecrets', () => {
  it.each([
    ['my OpenAI key is sk-proj-4fQm9ZtXw2LbR7cV1nKp8sD3hJ6yA0eU', 'an API key (sk-…)'],
    ['anthropic: sk-ant-api03-abcdefghijklmnopqrstuvwx_yz0123', 'an API key (sk-…)'],
    ['deploy with ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5', 'a GitHub token'],
    ['aws AKIAIOSFODNN7EXAMPLE in us-east-1', 'an AWS access key'],
    ['slack bot xoxb-123456789012-abcdefABCDEF', 'a Slack token'],
    ['maps AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY', 'a Google API key'],
    ['-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----', 'a private key'],
    ['-----BEGIN RSA PRIVATE KEY-----', 'a private key'],
    ['session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'a JSON web token'],
    ['curl -H "Authorization: Bearer 8f2c1e9a7b3d4c5e6f7a8b9c"', 'a bearer token'],
    ['db at postgres://admin:hunter22@db.local/jarvis', 'a password inside a URL'],
  ])('finds %s', (content, what) => {
    expect(whats(content)).toContain(what);
  });

  it('finds values labelled with the audit trail\'s secret words, in prose and in key=value form', () => {
    expect(whats('the wifi password is sunshine')).toEqual(['a value labelled "password"']);
    expect(whats('My api key: 3f9a-22c1-8e7d')).toEqual(['a value labelled "api key"']);
    expect(whats('token=abc123xyz')).toEqual(['a value labelled "token"']);
    expect(whats('remember the passphrase: correct-horse-battery')).toEqual(['a value labelled "passphrase"']);
  });

  it('finds long random-looking strings of formats nobody listed', () => {
    expect(whats('use Zq8vN2xLr5TgW9kPb3MhY7cJd4Fs6 for the webhook')).toEqual(['a long random-looking string (like a key or token)']);
  });

  it('checks metadata keys by the audit rule and metadata values like content', () => {
    expect(findSecrets('the router', { password: 'hunter2' })).toEqual([{ field: 'metadata.password', what: 'a value under the key "password"' }]);
    expect(findSecrets('the router', { notes: ['ok', 'key sk-abcdefghijklmnopqrstuvwxyz0123'] })[0]).toMatchObject({ field: 'metadata.notes.1', what: 'an API key (sk-…)' });
    expect(findSecrets('the router', { token_count: 12, has_password: false })).toEqual([]);
  });

  it.each([
    'I prefer dark roast coffee in the morning',
    'The secret ingredient is cinnamon',
    'The passenger is Maria',
    'My password must be changed every 90 days',
    'Commit 9f2c1e9a7b3d4c5e6f7a8b9c0d1e2f3a4b5c6d7e fixed the build',
    'Order id 3f2504e0-4f89-11d3-9a0c-0305e82c3301 shipped',
    'Call the dentist at 555-0134 about the appointment',
    'The bus token is purple',
  ])('lets ordinary text through: %s', (content) => {
    expect(findSecrets(content, {})).toEqual([]);
  });

  it('says where, never what', () => {
    const content = 'key: sk-proj-4fQm9ZtXw2LbR7cV1nKp8sD3hJ6yA0eU';
    const text = describeFindings(findSecrets(content, {}));
    expect(text).toBe('content (characters 6–45) holds what looks like an API key (sk-…)');
    expect(text).not.toContain('4fQm9');
  });

  it('labels: the audit rule, with spaces and dashes read as underscores', () => {
    expect(isSecretLabel('api key')).toBe(true);
    expect(isSecretLabel('Private-Key')).toBe(true);
    expect(isSecretLabel('colour')).toBe(false);
  });
});
