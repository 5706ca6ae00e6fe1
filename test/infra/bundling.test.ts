import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { esbuildOptions, nodejsBundling } from '../../lib/bundling.ts';

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
