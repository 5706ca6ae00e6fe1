import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { esbuildOptions, nodejsBundling } from '../../lib/bundling.ts';
import { functions, stateMachineArnVariable, type WorkflowName } from '../../lib/manifest.ts';
import { expectedVariables } from './environment.ts';

const workDir = mkdtempSync(join(tmpdir(), 'channel-prm-bundling-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('bundling', () => {
  it('builds a minified ES module (.mjs) in which CommonJS code can still require', async () => {
    // A CommonJS handler that requires a Node built-in: esbuild's ESM output needs the require banner for it.
    const entry = join(workDir, 'handler.cjs');
    writeFileSync(entry, "exports.handler = async () => require('node:os').EOL.length;\n");

    await build({ ...esbuildOptions, entryPoints: [entry], outdir: workDir, logLevel: 'silent' });

    const output = join(workDir, 'handler.mjs');
    const code = readFileSync(output, 'utf8');
    expect(code.startsWith(esbuildOptions.banner.js)).toBe(true);
    expect(code).not.toContain('sourceMappingURL');
    const module = (await import(pathToFileURL(output).href)) as { default?: { handler: () => Promise<number> } };
    await expect(module.default?.handler()).resolves.toBe(1);
  });

  it('gives the CDK functions the same options, with the AWS SDK bundled and no Docker', () => {
    expect(nodejsBundling).toMatchObject({
      format: 'esm',
      target: 'node22',
      minify: true,
      sourceMap: false,
      mainFields: ['module', 'main'],
      banner: esbuildOptions.banner.js,
      externalModules: [],
      bundleAwsSDK: true,
      forceDockerBundling: false,
    });
  });
});

/**
 * The settings a bundle reads when it loads: top-level `setting("NAME")` calls (they
 * throw when the variable is missing) and `workflow("name")` calls (they read the
 * state machine ARN variable). In esbuild's unminified output a top-level statement
 * starts at the beginning of a line, and a renamed import gets a number suffix.
 */
const settingsReadAtLoad = (code: string): string[] => {
  const topLevel = code.split('\n').filter((line) => /^\S/.test(line));
  const names = topLevel.flatMap((line) => [
    ...[...line.matchAll(/(?<![\w.$])setting\d*\("(\w+)"\)/g)].map((match) => match[1] as string),
    ...[...line.matchAll(/(?<![\w.$])workflow\d*\("([\w-]+)"\)/g)].map((match) => stateMachineArnVariable(match[1] as WorkflowName)),
  ]);
  return [...new Set(names)].sort();
};

describe('the bundle of each function of the manifest', () => {
  it('reads at load only settings the stack gives that function (a missing one fails every cold start)', async () => {
    const result = await build({
      ...esbuildOptions,
      minify: false,
      entryPoints: Object.fromEntries(functions.map((spec) => [spec.name, spec.entry])),
      outdir: join(workDir, 'functions'),
      write: false,
      logLevel: 'silent',
    });
    const missing: Record<string, string[]> = {};
    let reads = 0;
    for (const spec of functions) {
      const output = result.outputFiles.find((file) => file.path.endsWith(`/${spec.name}.mjs`));
      if (!output) throw new Error(`No bundle for ${spec.name}`);
      const read = settingsReadAtLoad(output.text);
      reads += read.length;
      const absent = read.filter((name) => !expectedVariables(spec).includes(name));
      if (absent.length > 0) missing[spec.name] = absent;
    }
    // The detection itself works: every function reads TABLE_NAME, most more.
    expect(reads).toBeGreaterThan(functions.length);
    expect(missing).toEqual({});
  });
});
