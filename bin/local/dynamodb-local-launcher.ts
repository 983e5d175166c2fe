import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * DynamoDB Local's own main class binds Jetty to every interface (it has no host option), which
 * would expose an unauthenticated database to the network. This small launcher builds the same
 * server from the same command-line arguments, points its Jetty connector at 127.0.0.1 (reflection
 * on the one private `Server` field), then starts it.
 *
 * It is compiled once with `javac` into node_modules/.cache (keyed by the source and the DynamoDB
 * Local release) so later starts pay nothing; without a JDK the caller falls back to the stock
 * main class and warns.
 */
const MAIN_CLASS = 'LoopbackDynamoDbLocal';

const LAUNCHER_SOURCE = `
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class ${MAIN_CLASS} {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("opsdesk.host", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    int bound = 0;
    for (Field field : DynamoDBProxyServer.class.getDeclaredFields()) {
      if (!Server.class.isAssignableFrom(field.getType())) continue;
      field.setAccessible(true);
      Server server = (Server) field.get(proxy);
      for (Connector connector : server.getConnectors()) {
        if (connector instanceof ServerConnector serverConnector) {
          serverConnector.setHost(host);
          bound++;
        }
      }
    }
    if (bound == 0) throw new IllegalStateException("no Jetty connector found to bind to " + host);
    proxy.start();
    System.out.println("DynamoDB Local listening on " + host);
  }
}
`;

export interface JavaLaunch {
  /** Arguments for `java` before DynamoDB Local's own options. */
  readonly javaArgs: readonly string[];
  /** false when the stock main class is used (listens on all interfaces). */
  readonly loopbackOnly: boolean;
}

const execFileAsync = promisify(execFile);

function cacheRoot(): string {
  // bin/local → repository root → node_modules/.cache (the conventional home of tool caches).
  const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  return join(repoRoot, 'node_modules', '.cache', 'opsdesk-dynamodb-local');
}

async function compiledLauncherDir(jarDir: string): Promise<string | undefined> {
  const key = createHash('sha256').update(LAUNCHER_SOURCE).update(jarDir).digest('hex').slice(0, 16);
  const target = join(cacheRoot(), key);
  if (existsSync(join(target, `${MAIN_CLASS}.class`))) return target;
  await mkdir(cacheRoot(), { recursive: true });
  // Compile in a private folder and rename it into place: two processes starting at once (the
  // test setup and `npm start`) never see a half-written class.
  const work = await mkdtemp(join(cacheRoot(), 'build-'));
  try {
    const source = join(work, `${MAIN_CLASS}.java`);
    await writeFile(source, LAUNCHER_SOURCE);
    const classes = join(work, 'classes');
    await execFileAsync(
      'javac',
      ['-nowarn', '-cp', join(jarDir, 'DynamoDBLocal.jar'), '-d', classes, source],
      { timeout: 120_000 },
    );
    try {
      await rename(classes, target);
    } catch (error) {
      if (!existsSync(join(target, `${MAIN_CLASS}.class`))) throw error;
    }
    return target;
  } catch {
    return undefined;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** How to start DynamoDB Local from `jarDir`, listening on 127.0.0.1 when a JDK is available. */
export async function dynamoDbLocalLaunch(jarDir: string): Promise<JavaLaunch> {
  const launcherDir = await compiledLauncherDir(jarDir);
  const jar = join(jarDir, 'DynamoDBLocal.jar');
  if (!launcherDir) return { javaArgs: ['-jar', jar], loopbackOnly: false };
  // The jar's manifest Class-Path brings in DynamoDBLocal_lib/*.jar, also when it is on -cp.
  return { javaArgs: ['-cp', `${jar}:${launcherDir}`, MAIN_CLASS], loopbackOnly: true };
}
