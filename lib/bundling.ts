import type { BuildOptions } from 'esbuild';
import { join } from 'node:path';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { repositoryRoot } from './paths.ts';

/**
 * How every Lambda function is bundled, in one place, so the deployed bundles and
 * the bundle benchmark (bench/) measure the same thing.
 *
 * - ESM (`.mjs`) for Node 22, `module` entry points first so ESM builds of
 *   dependencies are picked and tree-shaken.
 * - The AWS SDK v3 is bundled, not taken from the runtime: its versions are pinned
 *   in package-lock.json, and a bundled, tree-shaken client also starts faster.
 * - `require` is recreated for the CommonJS dependencies that call it inside an ES
 *   module (esbuild's `__require` shim throws without it).
 * - No source map in the bundle: it doubles the size and the cold start.
 * - The SDK's default credential chain is replaced by the environment provider
 *   (lib/lambda-credentials.ts): in Lambda the credentials are always there.
 */

/** Recreates `require` in the ES module bundle for CommonJS dependencies. */
const requireShim =
  "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);";

const nodeTarget = 'node22';

/** Lambda's credentials are environment variables: bundle only that provider. */
const credentialsAlias = { '@aws-sdk/credential-provider-node': join(repositoryRoot, 'lib/lambda-credentials.ts') };

/** Options for esbuild's `build()` (the benchmark); add `entryPoints` and `outdir`/`outfile`. */
export const esbuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: nodeTarget,
  mainFields: ['module', 'main'],
  minify: true,
  treeShaking: true,
  sourcemap: false,
  banner: { js: requireShim },
  outExtension: { '.js': '.mjs' },
  // Nothing is external: the AWS SDK v3 is bundled too.
  external: [],
  alias: credentialsAlias,
} satisfies BuildOptions;

/** The same options as the `bundling` props of a CDK `NodejsFunction` (which writes `index.mjs` for ESM). */
export const nodejsBundling: BundlingOptions = {
  format: OutputFormat.ESM,
  target: esbuildOptions.target,
  mainFields: [...esbuildOptions.mainFields],
  minify: esbuildOptions.minify,
  sourceMap: esbuildOptions.sourcemap,
  banner: esbuildOptions.banner.js,
  bundleAwsSDK: true,
  externalModules: [...esbuildOptions.external],
  esbuildArgs: {
    '--tree-shaking': 'true',
    ...Object.fromEntries(Object.entries(credentialsAlias).map(([module, file]) => [`--alias:${module}`, file])),
  },
  // esbuild is a local devDependency: no Docker needed (nor available) to bundle.
  forceDockerBundling: false,
};
