// Loads one module (a file URL in argv[2]) in this fresh process and prints how long the
// import took, in milliseconds, as JSON on stdout: {"ms": …} or {"error": "Name: message"}.
// Used by bench/bundles.ts.
const url = process.argv[2];
const started = performance.now();
try {
  const loaded = await import(url);
  const ms = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ ms, exports: Object.keys(loaded).length })}\n`);
} catch (error) {
  // Our own one line, not Node's dump of the (minified, very long) source line that threw.
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  process.stdout.write(`${JSON.stringify({ error: `${name}: ${message}`.slice(0, 500) })}\n`);
  process.exitCode = 1;
}
