import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface MavenArtifact {
  groupId: string;
  artifactId: string;
  version: string;
}

/**
 * Resolves artifacts and their runtime dependencies from Maven Central into `dir` (cached: a second call with
 * the same directory returns at once) and returns the classpath glob for `java -cp`.
 */
export async function mavenClasspath(dir: string, artifacts: readonly MavenArtifact[]): Promise<string> {
  const libs = join(dir, 'libs');
  const done = join(libs, '.complete');
  if (!existsSync(done)) {
    await mkdir(dir, { recursive: true });
    const deps = artifacts
      .map((a) => `<dependency><groupId>${a.groupId}</groupId><artifactId>${a.artifactId}</artifactId><version>${a.version}</version></dependency>`)
      .join('\n    ');
    const pom = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.conveyor.bench</groupId>
  <artifactId>reference-classpath</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    ${deps}
  </dependencies>
</project>
`;
    await writeFile(join(dir, 'pom.xml'), pom);
    await run('mvn', ['-B', '-q', '-ntp', '-Dstyle.color=never', '-f', join(dir, 'pom.xml'), 'dependency:copy-dependencies',
      '-DincludeScope=runtime', `-DoutputDirectory=${libs}`], { maxBuffer: 16 * 1024 * 1024 });
    await writeFile(done, new Date().toISOString());
  }
  return `${libs}/*`;
}
