import { isRecoveryConflict, isSchemaBehind, isUnreachable, loadConfig } from '#persistence';

const primary = { DATABASE_URL: 'postgres://app@primary/uce' };

describe('READ_DATABASE_URL and its settings', () => {
  it('takes one or more replicas with their defaults: wait 1 s, retry after 5 s, the primary answering when none can', () => {
    expect(loadConfig(primary).readReplicas).toBeUndefined();
    expect(loadConfig({ ...primary, READ_DATABASE_URL: 'postgres://app@r1/uce' }).readReplicas).toEqual({
      urls: ['postgres://app@r1/uce'],
      waitMs: 1000,
      retryMs: 5000,
      fallback: 'primary',
    });
    expect(
      loadConfig({ ...primary, READ_DATABASE_URL: ' postgres://app@r1/uce , postgresql://app@r2:5433/uce', READ_REPLICA_WAIT_MS: '250', READ_REPLICA_RETRY_MS: '1000', READ_REPLICA_FALLBACK: 'unavailable' })
        .readReplicas,
    ).toEqual({ urls: ['postgres://app@r1/uce', 'postgresql://app@r2:5433/uce'], waitMs: 250, retryMs: 1000, fallback: 'unavailable' });
  });

  it('refuses what cannot be meant, naming the setting', () => {
    expect(() => loadConfig({ READ_DATABASE_URL: 'postgres://app@r1/uce' })).toThrow('READ_DATABASE_URL needs DATABASE_URL');
    expect(() => loadConfig({ ...primary, READ_DATABASE_URL: 'mysql://r1/uce' })).toThrow('READ_DATABASE_URL must be one or more postgres://');
    expect(() => loadConfig({ ...primary, READ_DATABASE_URL: 'postgres://app@r1/uce,' })).toThrow('READ_DATABASE_URL must be one or more postgres://');
    expect(() => loadConfig({ ...primary, READ_DATABASE_URL: 'postgres://app@r1/uce,postgres://app@r1/uce' })).toThrow('READ_DATABASE_URL names the same replica twice');
    expect(() => loadConfig({ ...primary, READ_DATABASE_URL: 'postgres://app@r1/uce', READ_REPLICA_FALLBACK: 'nowhere' })).toThrow('READ_REPLICA_FALLBACK must be "primary"');
    expect(() => loadConfig({ ...primary, READ_DATABASE_URL: 'postgres://app@r1/uce', READ_REPLICA_RETRY_MS: '0' })).toThrow('READ_REPLICA_RETRY_MS must be at least 1');
    expect(() => loadConfig({ ...primary, READ_DATABASE_URL: 'postgres://app@r1/uce', READ_REPLICA_WAIT_MS: '1s' })).toThrow('READ_REPLICA_WAIT_MS must be a whole number');
    expect(() => loadConfig({ ...primary, READ_REPLICA_FALLBACK: 'unavailable' })).toThrow('READ_REPLICA_FALLBACK is set but READ_DATABASE_URL is not');
  });
});

describe('what makes a replica be left out', () => {
  it('is a server that cannot be reached or is going away, not a fault of the statement', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'CONNECTION_CLOSED', 'CONNECT_TIMEOUT', '08006', '57P01', '57P03', '3D000', '53300']) expect([code, isUnreachable({ code })]).toEqual([code, true]);
    for (const code of ['42P01', '22P02', '40001', 'XX000', undefined]) expect([code, isUnreachable({ code })]).toEqual([code, false]);
    expect(isUnreachable(null)).toBe(false);
  });

  it('tells a recovery conflict (the standby cancelled the statement to replay) from the rest', () => {
    expect([isRecoveryConflict({ code: '40001' }), isRecoveryConflict({ code: '40P01' }), isRecoveryConflict({ code: '57P01' })]).toEqual([true, true, false]);
  });

  it('tells a schema the standby has not replayed yet (a table, column or function missing) from a fault of the statement', () => {
    expect(['42P01', '42703', '42883', '22P02', '42601'].map((code) => isSchemaBehind({ code }))).toEqual([true, true, true, false, false]);
  });
});
