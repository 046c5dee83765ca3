// The WASM module in Node: instantiate, the first analyze (loads the rules and compiles the cues
// a page needs), then warm analyzes of the median and the largest ota policy (as
// bench/browser-*.mjs pick them). Prints figures; asserts nothing.
//
//   node bench/node.mjs [--rounds N] [PKG_DIR ...]
//
// PKG_DIR defaults to extension/pkg (built by ./build.sh). With several folders (another
// build's wasm-bindgen output, say), each round runs each of them in a fresh Node process, in
// turn, so they are compared within one run.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { pickPolicies } from './pages.mjs';

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const here = fileURLToPath(import.meta.url);

/** One module, in this process: its figures as JSON on stdout. */
async function child(pkg, medianFile, largeFile) {
  const small = readFileSync(medianFile, 'utf8');
  const large = readFileSync(largeFile, 'utf8');
  const { initSync, analyze } = await import(pathToFileURL(resolve(pkg, 'policy_lens.js')));
  const bytes = readFileSync(resolve(pkg, 'policy_lens_bg.wasm'));
  let t = performance.now();
  initSync({ module: bytes });
  const initMs = performance.now() - t;
  t = performance.now();
  analyze(small);
  const firstMs = performance.now() - t;
  const time = (text, n) => {
    const v = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      analyze(text);
      v.push(performance.now() - t0);
    }
    return median(v);
  };
  time(large, 1); // the large page's own cues, compiled once
  console.log(JSON.stringify({ initMs, firstMs, medianMs: time(small, 21), largeMs: time(large, 7) }));
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  await child(args[1], args[2], args[3]);
} else {
  let rounds = 5;
  const pkgs = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--rounds') rounds = Number(args[++i]);
    else pkgs.push(args[i]);
  }
  if (!pkgs.length) pkgs.push(fileURLToPath(new URL('../extension/pkg/', import.meta.url)));
  const picked = pickPolicies();
  if (!picked) {
    console.log('../shared/corpus/ota not found: nothing to measure');
    process.exit(0);
  }
  const kb = (f) => `${Math.round(f.bytes / 1024)} KB`;
  console.log(`median policy ${picked.median.file} (${kb(picked.median)}); large ${picked.large.file} (${kb(picked.large)}); ${rounds} rounds`);
  const results = pkgs.map(() => []);
  for (let r = 0; r < rounds; r++) {
    pkgs.forEach((pkg, k) => {
      const out = spawnSync(process.execPath, [here, '--child', pkg, picked.median.file, picked.large.file], { encoding: 'utf8' });
      if (out.status !== 0) throw new Error(`${pkg}: ${out.stderr}`);
      results[k].push(JSON.parse(out.stdout.trim().split('\n').pop()));
    });
  }
  pkgs.forEach((pkg, k) => {
    const m = (key) => median(results[k].map((x) => x[key])).toFixed(2);
    console.log(`${pkg}\n   init ${m('initMs')} ms, first analyze ${m('firstMs')} ms, then median policy ${m('medianMs')} ms, large ${m('largeMs')} ms (medians of ${rounds} processes)`);
  });
}
