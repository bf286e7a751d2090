import { execFileSync } from 'node:child_process';
import { chmod, readFile } from 'node:fs/promises';
import path from 'node:path';
import { tempDir } from './temp-dir.js';

export interface TlsFiles {
  /** The temp directory holding the files (readable by nginx workers); cleanup() removes it. */
  dir: string;
  keyFile: string;
  certFile: string;
  cert: Buffer;
  cleanup(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1 and localhost, valid one day (made with openssl). */
export async function selfSignedCert(): Promise<TlsFiles> {
  const { dir, cleanup } = await tempDir('mcp-cert-');
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    { stdio: 'ignore' },
  );
  await chmod(dir, 0o755);
  return { dir, keyFile, certFile, cert: await readFile(certFile), cleanup };
}
