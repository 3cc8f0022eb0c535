// `npm start` runs this first: build the console when it has never been built or its sources
// (or the shared API contract) changed since the last build, so a fresh clone's
// `npm install && npm start` serves a working console.
import { spawnSync } from 'node:child_process';
import { existsSync, globSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const built = join(root, 'console', 'dist', 'index.html');
const sources = globSync(['console/src/**/*', 'console/index.html', 'console/vite.config.ts', 'src/shared/**/*.ts'], { cwd: root });
const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
const stale = sources.some((f) => statSync(join(root, f)).mtimeMs > builtAt);
if (stale) {
  console.log(builtAt === 0 ? 'Building the console (first start)… 正在构建控制台…' : 'Console sources changed: rebuilding… 控制台已更新，正在重新构建…');
  const r = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
