import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** A throwaway certificate authority and a server certificate for localhost (and 127.0.0.1) signed by it (PEM files in `dir`). */
export interface Certificates {
  readonly dir: string;
  /** The authority's certificate: what a client trusts (`tlsCAFile`). */
  readonly caFile: string;
  /** The server's certificate and key, as files (GRPC_TLS_CERT_FILE, GRPC_TLS_KEY_FILE) and read. */
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/**
 * Made with the openssl command (Debian's `openssl` package), valid one day:
 * for tests and benchmarks of the KurrentDB endpoint over TLS — never for a
 * real deployment, whose certificate comes from the federation's authority.
 */
export async function makeCertificates(): Promise<Certificates> {
  const dir = await mkdtemp(join(tmpdir(), 'uce-tls-'));
  const openssl = (...args: string[]) => promisify(execFile)('openssl', args, { cwd: dir });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=test CA');
  await openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  // A leaf certificate (not a CA: the kurrentdb client's Rust TLS refuses a CA as the server's own).
  await writeFile(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n');
  await openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'server.ext');
  const certFile = join(dir, 'server.pem');
  const keyFile = join(dir, 'server.key');
  return { dir, caFile: join(dir, 'ca.pem'), certFile, keyFile, cert: await readFile(certFile), key: await readFile(keyFile) };
}
