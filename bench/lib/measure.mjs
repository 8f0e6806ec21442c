// Runs one command and measures it: wall time, CPU time and memory.
//
// - wall: measured here with a monotonic clock around spawn -> exit (includes process start).
// - CPU (user + sys) and max RSS: from GNU time (`/usr/bin/time -f`), which reads the
//   rusage that wait4() returns for the command. That rusage includes every descendant the
//   command waited for (jscodeshift's forked workers, grep), so CPU is the whole tree's CPU.
//   %M, however, is the largest RSS of any ONE process of the tree, not a sum.
// - tree peak RSS: sampled here every `sampleMs` by walking /proc/<pid>/task/*/children and
//   summing RSS (statm) over the command and all of its live descendants. Short spikes
//   between two samples can be missed; the GNU time wrapper itself is not counted.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PAGE_KB = (() => {
  const r = spawnSync('getconf', ['PAGESIZE'], { encoding: 'utf8' });
  const n = Number(r.stdout);
  return Number.isFinite(n) && n > 0 ? n / 1024 : 4;
})();

/** True when /usr/bin/time is GNU time (supports -f / -o). */
export const GNU_TIME = (() => {
  if (!fs.existsSync('/usr/bin/time')) return false;
  const r = spawnSync('/usr/bin/time', ['--version'], { encoding: 'utf8' });
  return /GNU/.test((r.stdout ?? '') + (r.stderr ?? ''));
})();

export const CAN_SAMPLE = fs.existsSync(`/proc/${process.pid}/task/${process.pid}/children`);

function children(pid) {
  const out = [];
  let tasks;
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    let text = '';
    try {
      text = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const c of text.split(' ')) if (c.trim()) out.push(Number(c));
  }
  return out;
}

function rssKb(pid) {
  try {
    const statm = fs.readFileSync(`/proc/${pid}/statm`, 'utf8');
    return Number(statm.split(' ')[1]) * PAGE_KB;
  } catch {
    return 0;
  }
}

/** Sum of RSS over `root`'s descendants (and root itself unless skipRoot); process count. */
export function treeRss(root, skipRoot) {
  let total = 0;
  let procs = 0;
  const stack = [root];
  const seen = new Set();
  while (stack.length) {
    const pid = stack.pop();
    if (seen.has(pid)) continue;
    seen.add(pid);
    if (!(skipRoot && pid === root)) {
      total += rssKb(pid);
      procs++;
    }
    for (const c of children(pid)) stack.push(c);
  }
  return { kb: total, procs };
}

function parseTimeFile(file) {
  try {
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    const last = lines[lines.length - 1].trim().split(/\s+/);
    if (last.length < 4) return null;
    const [elapsed, user, sys, maxrss] = last.map(Number);
    if (![elapsed, user, sys, maxrss].every(Number.isFinite)) return null;
    return { elapsedS: elapsed, userS: user, sysS: sys, maxRssKb: maxrss };
  } catch {
    return null;
  }
}

/**
 * @param {object} o
 * @param {string} o.cmd
 * @param {string[]} o.args
 * @param {string} o.cwd
 * @param {number} [o.ulimit]   run under `ulimit -n N` (bash)
 * @param {string} [o.stdoutFile] where the command's stdout goes (default: discarded)
 * @param {string} [o.stderrFile] where its stderr goes (default: discarded)
 * @param {number} [o.sampleMs] RSS sampling interval; 0 disables sampling
 * @param {number} [o.timeoutMs] kill the command after this long
 */
export function measure(o) {
  const sampleMs = o.sampleMs ?? 50;
  const timeFile = path.join(os.tmpdir(), `bench-time-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  let argv = [o.cmd, ...o.args];
  if (GNU_TIME) argv = ['/usr/bin/time', '-f', '%e %U %S %M', '-o', timeFile, ...argv];
  if (o.ulimit) argv = ['bash', '-c', `ulimit -n ${Number(o.ulimit)} && exec "$@"`, 'bench-ulimit', ...argv];
  const outFd = o.stdoutFile ? fs.openSync(o.stdoutFile, 'w') : 'ignore';
  const errFd = o.stderrFile ? fs.openSync(o.stderrFile, 'w') : 'ignore';
  // BABEL_DISABLE_CACHE: jscodeshift's Babel require hook would otherwise write its cache
  // into <cwd>/node_modules/.cache, i.e. into the corpus being measured.
  const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', BABEL_DISABLE_CACHE: '1', ...(o.env ?? {}) };
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { cwd: o.cwd, env, stdio: ['ignore', outFd, errFd] });
    let peakKb = 0;
    let peakProcs = 0;
    let timer = null;
    const sample = () => {
      if (!child.pid) return;
      const { kb, procs } = treeRss(child.pid, GNU_TIME);
      if (kb > peakKb) peakKb = kb;
      if (procs > peakProcs) peakProcs = procs;
    };
    if (sampleMs > 0 && CAN_SAMPLE) timer = setInterval(sample, sampleMs);
    let killer = null;
    if (o.timeoutMs) killer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
    const done = (code, signal, error) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      if (timer) clearInterval(timer);
      if (killer) clearTimeout(killer);
      if (typeof outFd === 'number') fs.closeSync(outFd);
      if (typeof errFd === 'number') fs.closeSync(errFd);
      const t = GNU_TIME ? parseTimeFile(timeFile) : null;
      fs.rmSync(timeFile, { force: true });
      resolve({
        wallMs,
        userS: t?.userS ?? null,
        sysS: t?.sysS ?? null,
        cpuS: t ? t.userS + t.sysS : null,
        maxRssKb: t?.maxRssKb ?? null,
        // null when no sample landed while the command ran (it ended within one interval)
        treePeakRssKb: sampleMs > 0 && CAN_SAMPLE && peakProcs > 0 ? peakKb : null,
        peakProcs: sampleMs > 0 && CAN_SAMPLE ? peakProcs : null,
        exitCode: code,
        signal: signal ?? null,
        error: error ? String(error.message ?? error) : null,
      });
    };
    child.on('error', (err) => done(null, null, err));
    child.on('exit', (code, signal) => done(code, signal, null));
  });
}

export function median(values) {
  const v = values.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}
