import { createServer } from 'node:net';

/**
 * A port that was free a moment ago on 127.0.0.1: bind port 0, read what the OS chose, close.
 * Used for child processes (DynamoDB Local) that cannot be told "port 0" and report back.
 */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}
