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

/**
 * A listener of the local stack could not bind its port. The message names the setting that
 * chose the port (PORT, SMTP_PORT, OBJECTS_PORT), so a user is told which one to change.
 */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    /** The environment variable that sets this port. */
    readonly variable: string,
    readonly port: number,
    /** EADDRINUSE, or EACCES for a privileged port. */
    readonly code: string,
  ) {
    super(
      code === 'EACCES'
        ? `port ${port} (${variable}) needs privileges: set ${variable} to a port above 1023`
        : `port ${port} (${variable}) is in use: set ${variable} to another port, or PORT=0 for free ports throughout`,
    );
  }
}

/**
 * Runs `listen` (anything that binds `port`), turning an address-in-use or permission error into
 * a PortInUseError naming `variable`; any other error passes through unchanged.
 */
export async function listeningOn<T>(variable: string, port: number, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') throw new PortInUseError(variable, port, code);
    throw error;
  }
}
