#!/usr/bin/env node
// The Debian packages edgec's tools come from, read from the `tools` field of targets/*.json (tool ->
// packages that provide it), so the Makefile, CI and the toolchain's error messages share one list.
// Plain Node with no dependency: it runs before `npm install`.
//
//   node targets/packages.mjs              every package (host and all Cortex-M targets)
//   node targets/packages.mjs --missing    only the packages of tools not on PATH
//   node targets/packages.mjs host         one target's packages (also: cortex-m4, ...)
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const missingOnly = args.includes('--missing');
const names = args.filter((a) => a !== '--missing');
const files = readdirSync(dir).filter((f) => f.endsWith('.json') && (names.length === 0 || names.includes(f.slice(0, -5))));
if (names.length > files.length) {
  console.error(`unknown target among: ${names.join(' ')}`);
  process.exit(1);
}
const onPath = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const packages = new Set();
for (const f of files.sort()) {
  const { tools } = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  for (const [tool, pkgs] of Object.entries(tools ?? {})) {
    if (!/^[a-z0-9][a-z0-9.+-]*$/.test(tool) || pkgs.some((p) => !/^[a-z0-9][a-z0-9.+-]*$/.test(p))) {
      console.error(`${f}: tool and package names must be Debian names (${tool})`);
      process.exit(1);
    }
    if (!missingOnly || !onPath(tool)) for (const p of pkgs) packages.add(p);
  }
}
console.log([...packages].join(' '));
