import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ReadyMessage, RunReply, RunRequest } from './protocol';

/**
 * One sandboxed Node process running a bundled submission: Node's permission model allows reading
 * the bundle and nothing else (no file writes, no child processes, no worker threads; Node 20 does
 * not restrict the network), V8's heap is capped at `memoryMb`, and an RSS watchdog catches memory
 * outside the heap (typed arrays). A request that outlives its timeout, or a process that dies,
 * becomes a `Fatal`; the next request starts a fresh process.
 *
 * With `permissions: false` (twin submissions, which need Dawn, a native addon the permission
 * model forbids) the process runs without the permission model: it can read and write files and
 * start processes. Timeout, heap limit and watchdog still apply.
 */
export interface SandboxLimits {
  timeoutMs: number;
  memoryMb: number;
  /** Node's permission model; default true. */
  permissions?: boolean;
  /** How long loading may take (default `timeoutMs`): a twin's process first makes its WebGPU device. */
  startupMs?: number;
}

export interface Fatal {
  fatal: string;
}

const STDERR_KEEP = 4000;
const WATCH_MS = 50;

export class Sandbox {
  private child?: ChildProcess;
  private ready?: Promise<ReadyMessage | Fatal>;
  private stderr = '';
  private nextId = 0;

  constructor(
    private readonly bundle: string,
    private readonly limits: SandboxLimits,
  ) {}

  /** Loads the submission (starting a process if none runs): its function exports, or why it could not load. */
  start(): Promise<ReadyMessage | Fatal> {
    if (this.ready) return this.ready;
    this.stderr = '';
    const child = fork(this.bundle, [], {
      execArgv: [
        ...(this.limits.permissions === false ? [] : ['--experimental-permission', `--allow-fs-read=${this.bundle}`]),
        `--max-old-space-size=${this.limits.memoryMb}`,
        '--no-warnings',
      ],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-STDERR_KEEP);
    });
    this.child = child;
    this.ready = this.await<ReadyMessage>(child, (m): m is ReadyMessage => (m as ReadyMessage).ready === true, this.limits.startupMs);
    return this.ready;
  }

  async run(request: Omit<RunRequest, 'id'>): Promise<RunReply | Fatal> {
    const loaded = await this.start();
    if ('fatal' in loaded) return loaded;
    const id = ++this.nextId;
    const child = this.child!;
    const reply = this.await<RunReply>(child, (m): m is RunReply => (m as RunReply).id === id);
    child.send({ ...request, id });
    return reply;
  }

  /** Ends the process (if any); the next call starts a fresh one. */
  stop(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
    this.ready = undefined;
  }

  /** The first message matching `accept`, or a Fatal on timeout, memory exhaustion or exit. */
  private await<T>(child: ChildProcess, accept: (m: unknown) => m is T, timeoutMs = this.limits.timeoutMs): Promise<T | Fatal> {
    return new Promise((resolve) => {
      const finish = (result: T | Fatal) => {
        clearTimeout(timer);
        clearInterval(watchdog);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if ('fatal' in (result as object)) this.stop();
        resolve(result);
      };
      const onMessage = (m: unknown) => accept(m) && finish(m);
      const onExit = (code: number | null, signal: string | null) => {
        // Let the last stderr bytes arrive before reading why it died.
        setTimeout(() => finish({ fatal: this.deathReason(code, signal) }), 20);
      };
      const timer = setTimeout(() => finish({ fatal: `never returned: timed out after ${timeoutMs} ms` }), timeoutMs);
      const watchdog = setInterval(() => {
        if (rssMb(child.pid) > 2 * this.limits.memoryMb + 64) finish({ fatal: this.memoryReason() });
      }, WATCH_MS);
      child.on('message', onMessage);
      child.once('exit', onExit);
      if (child.exitCode !== null || child.signalCode !== null) onExit(child.exitCode, child.signalCode);
    });
  }

  private memoryReason(): string {
    return `exhausted memory (limit ${this.limits.memoryMb} MB)`;
  }

  private deathReason(code: number | null, signal: string | null): string {
    const err = this.stderr;
    if (/heap out of memory|Reached heap limit|Allocation failed|Array buffer allocation failed/i.test(err)) return this.memoryReason();
    const firstError = err.split('\n').find((l) => /Error|error:/.test(l))?.trim();
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    return `crashed (${how})${firstError ? `: ${firstError.slice(0, 200)}` : ''}`;
  }
}

/** Resident memory of a process in MB (Linux /proc), 0 where unavailable. */
function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
