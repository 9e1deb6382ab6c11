import { Metadata } from '@grpc/grpc-js';
import { addressOf, credentialsOf } from '../src/endpoint/credentials.js';

const withAuthorization = (value: string) => {
  const metadata = new Metadata();
  metadata.set('authorization', value);
  return metadata;
};

describe("the endpoint's credentials", () => {
  it('reads basic credentials whose password is a token, the name being free', () => {
    const header = `Basic ${Buffer.from('district cadre:uce_0123456789abcdef_secret:with:colons').toString('base64')}`;
    expect(credentialsOf(withAuthorization(header))).toEqual({ username: 'district cadre', password: 'uce_0123456789abcdef_secret:with:colons' });
  });

  it('takes anything else for no credentials: none, a bearer token, no name, not base64', () => {
    expect(credentialsOf(new Metadata())).toBeUndefined();
    expect(credentialsOf(withAuthorization('Bearer uce_0123456789abcdef_x'))).toBeUndefined();
    expect(credentialsOf(withAuthorization(`Basic ${Buffer.from(':token').toString('base64')}`))).toBeUndefined();
    expect(credentialsOf(withAuthorization('Basic not base64!'))).toBeUndefined();
  });

  it("counts failures by the caller's address, whatever its port", () => {
    expect(addressOf('ipv4:127.0.0.1:50123')).toBe('127.0.0.1');
    expect(addressOf('ipv6:[::1]:50123')).toBe('::1');
    expect(addressOf('ipv6:[2001:db8::7]:443')).toBe('2001:db8::7');
    expect(addressOf('unix:/run/engine.sock')).toBe('/run/engine.sock');
  });
});
