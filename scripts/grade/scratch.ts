import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Temporary folders that do not outlive the grader, and other things to undo when it ends.
 *
 * A folder is named `gradcheck-<purpose>-<pid>-XXXXXX` (mkdtemp: the suffix is unguessable) and is
 * removed by `dispose`, on normal exit, and on SIGINT, SIGTERM and SIGHUP (after which the signal
 * is raised again, so the process still dies of it). SIGKILL cannot be caught: the first folder a
 * later process makes sweeps the temporary directory for folders whose owning process is dead.
 */
export interface Scratch {
  path: string;
  dispose(): void;
}

const NAME = /^gradcheck-([a-z]+)-(\d+)-[A-Za-z0-9]{6}$/;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const teardowns = new Set<() => void>();
let installed = false;
let swept = false;

/** A fresh folder under the OS temporary directory, removed when the process ends however it can. */
export function scratchDir(purpose: string): Scratch {
  if (!/^[a-z]+$/.test(purpose)) throw new Error(`scratchDir: purpose must be lowercase letters, got ${JSON.stringify(purpose)}`);
  if (!swept) {
    swept = true;
    sweepStale();
  }
  const path = mkdtempSync(join(tmpdir(), `gradcheck-${purpose}-${process.pid}-`));
  const dispose = onTeardown(() => rmSync(path, { recursive: true, force: true }));
  return { path, dispose };
}

/**
 * Runs `undo` when the process exits or is ended by SIGINT/SIGTERM/SIGHUP (once). The returned
 * function runs it now instead.
 */
export function onTeardown(undo: () => void): () => void {
  install();
  const once = () => {
    if (teardowns.delete(once)) undo();
  };
  teardowns.add(once);
  return once;
}

/** Removes this user's scratch folders, under `dir`, whose owning process no longer runs; returns their paths. */
export function sweepStale(dir = tmpdir()): string[] {
  const uid = process.getuid?.();
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const pid = Number(NAME.exec(name)?.[2]);
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    const path = join(dir, name);
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (!stat?.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function teardown(): void {
  for (const undo of [...teardowns]) {
    try {
      undo();
    } catch {
      // Best effort: the rest still run.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', teardown);
  for (const signal of SIGNALS) {
    process.on(signal, function onSignal() {
      teardown();
      process.off(signal, onSignal);
      // With no other listener, Node's default (dying of the signal) applies again.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}
