import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import type { Duplex } from 'node:stream';
import { descendants, supervise } from './proc';
import {
  acceptReady,
  acceptReply,
  describeValue,
  encodeFrame,
  FrameReader,
  ProtocolError,
  replyLimit,
  type LoadRequest,
  type ReadyMessage,
  type Request,
  type RunReply,
  type RunRequest,
} from './protocol';
import { onTeardown } from './scratch';
import { cleanText } from './text';

/**
 * One sandboxed Node process running a bundled submission, in layers:
 * - Node's permission model allows reading the bundle and nothing else (no file writes, no child
 *   processes, no worker threads, no inspector, no native addons; Node 20 does not restrict the
 *   network);
 * - as root, the process runs as nobody (uid/gid 65534): it cannot signal, trace or read the
 *   grader's processes;
 * - where util-linux `unshare` works, in new PID, network and mount namespaces (/proc remounted):
 *   it sees no process but its own and has no network (not even the grader's loopback); it is
 *   the namespace's init (pid 1, which signals from inside cannot kill or stop; killing it ends
 *   every process in the namespace) and leads a session of its own (`setsid`), so signals to its
 *   process group (`kill(0)`, or `process.ppid`, which reads 0 there) reach nothing outside;
 * - where util-linux `setpriv` works, the process is killed when its parent dies (inside
 *   namespaces so is unshare): a grader killed mid-case, even by SIGKILL, leaves nothing running;
 * - an empty environment (twins: only what Dawn needs to find a Vulkan driver), so no
 *   NODE_OPTIONS, and no --inspect; the grader ignores SIGUSR1, so no inspector opens in it on demand;
 * - V8's heap is capped at `memoryMb`, an RSS watchdog catches memory outside the heap (typed
 *   arrays), and a request that outlives its timeout becomes a `Fatal`;
 * - messages go over a pipe of their own (protocol.ts); a message that is not the reply to the
 *   pending request (id, nonce, type, structure) is a `Fatal` for that request, and a frame longer
 *   than `replyLimit` of the request is refused before it is decoded.
 * After a Fatal the process is ended; the next request starts a fresh one. `detectIsolation`
 * says which of the layers this machine enforces.
 *
 * With `permissions: false` (twin submissions, which need Dawn, a native addon the permission
 * model forbids) the process runs without the permission model: it can read and write files the
 * sandbox's user may, and start processes. The other layers still apply.
 */
export interface SandboxLimits {
  timeoutMs: number;
  memoryMb: number;
  /** Node's permission model; default true. */
  permissions?: boolean;
  /** How long loading may take (default `timeoutMs`): a twin's process first makes its WebGPU device. */
  startupMs?: number;
  /** Run as another user where the grader is root (default: where detectIsolation found it works). */
  user?: boolean;
  /** Run in new PID, network and mount namespaces (default: where detectIsolation found they work). */
  namespaces?: boolean;
}

export interface Fatal {
  fatal: string;
}

/** What this machine lets the sandbox enforce beyond Node's own limits. */
export interface Isolation {
  /** The grader runs as root. */
  root: boolean;
  /** The user the sandboxed process runs as (nobody), where the grader is root and Node runs as that user. */
  user?: { uid: number; gid: number };
  /** `unshare` starts the process in new PID, network and mount namespaces (as root, or in a user namespace). */
  namespaces: boolean;
  /** `setpriv --pdeathsig` ties the process to the grader: it is killed when the grader dies, even by SIGKILL. */
  parentDeath: boolean;
}

const NOBODY = { uid: 65534, gid: 65534 };
const NAMESPACES = ['--pid', '--net', '--mount', '--mount-proc', '--fork', '--kill-child'];
/** Runs the rest of the command line killed when its parent dies (util-linux). */
const DIES_WITH_PARENT = ['setpriv', '--pdeathsig', 'KILL', '--'];
const PROBE_MS = 5000;
const STDERR_KEEP = 4000;
const WATCH_MS = 50;

let isolation: Isolation | undefined;

/** Tries once per process which layers work here (a few tens of ms): another user, namespaces, death with the grader. */
export function detectIsolation(): Isolation {
  if (isolation) return isolation;
  const root = process.getuid?.() === 0;
  /** Whether Node starts behind the command prefix `wrap`, as `user`. */
  const works = (wrap: string[], user?: typeof NOBODY) => {
    const [file, ...args] = [...wrap, process.execPath, '-e', ''];
    return spawnSync(file, args, { stdio: 'ignore', env: {}, timeout: PROBE_MS, ...user }).status === 0;
  };
  const user = root && works([], NOBODY) ? NOBODY : undefined;
  const linux = process.platform === 'linux';
  const parentDeath = linux && works(DIES_WITH_PARENT, user);
  const namespaces = linux && works(['unshare', ...unshareArgs(root, user), ...tie(parentDeath)]);
  isolation = { root, user, namespaces, parentDeath };
  return isolation;
}

/** One line for the terminal: which layers grading enforces on this machine (the README's Isolation table). */
export function describeIsolation(i: Isolation, twin = false): string {
  const layers = [
    twin ? 'without the permission model (twins load Dawn)' : "under Node's permission model",
    i.user ? 'as nobody' : i.root ? 'as root (nobody could not run Node)' : 'as your user (it could signal the grader)',
    i.namespaces ? 'in its own PID, network and mount namespaces' : 'with no namespaces (unshare unavailable): it can reach the network',
    i.parentDeath ? 'ended if the grader dies' : 'left running if the grader is killed mid-case',
  ];
  return `sandbox: each submission runs ${layers.join(', ')}, with an empty environment, time and memory limits`;
}

/**
 * unshare's arguments up to the command: new namespaces (inside a user namespace when not root),
 * then drop to `user`, then a session of its own. Without `setsid` the command would share the
 * process group of unshare, which a child running as the grader's user could then kill or stop.
 */
function unshareArgs(root: boolean, user: typeof NOBODY | undefined): string[] {
  return [
    ...(root ? [] : ['--user', '--map-root-user']),
    ...NAMESPACES,
    ...(user ? ['--setuid', `${user.uid}`, '--setgid', `${user.gid}`] : []),
    '--',
    'setsid',
  ];
}

/** The command prefix that ties what follows to its parent, where `setpriv` can. */
const tie = (parentDeath: boolean): string[] => (parentDeath ? DIES_WITH_PARENT : []);

/** The grader opens no inspector on SIGUSR1 (Node's default) while it has a listener for it: measured on Node 20. */
function ignoreInspectorSignal(): void {
  if (process.platform !== 'win32' && !process.listeners('SIGUSR1').includes(ignore)) process.on('SIGUSR1', ignore);
}
const ignore = () => {};

/** SIGKILL to `pid` (a group where negative); false where it is gone or out of reach. */
function kill(pid: number): boolean {
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

/** A ProtocolError's one line (any other error, which the checks should not throw, as one line too). */
const reasonOf = (e: unknown): string => (e instanceof ProtocolError ? e.message : cleanText(String((e as Error)?.message ?? e), 200));

/** The environment the child gets: nothing of the grader's, except a twin's Vulkan driver choice. */
function childEnv(bundle: string, device: boolean): Record<string, string> {
  if (!device) return {};
  const { VK_ICD_FILENAMES, VK_DRIVER_FILES } = process.env;
  return {
    ...(VK_ICD_FILENAMES ? { VK_ICD_FILENAMES } : {}),
    ...(VK_DRIVER_FILES ? { VK_DRIVER_FILES } : {}),
    // The Vulkan loader wants a private directory here; the bundle's folder is one, and removed with it.
    XDG_RUNTIME_DIR: dirname(bundle),
  };
}

export class Sandbox {
  private child?: ChildProcess;
  private ready?: Promise<ReadyMessage | Fatal>;
  private stderr = '';
  private nextId = 0;
  /** Takes the next message from the child; undefined while no request waits. */
  private receive?: (m: unknown) => void;
  /** Ends the pending request with a Fatal. */
  private abort?: (f: Fatal) => void;
  /** A message the child sent while no request was waiting: the next request fails with it. */
  private violation?: string;
  private endGroup?: () => void;
  /** Reads the current process's channel; its limit follows the pending request's size. */
  private frames?: FrameReader;

  constructor(
    private readonly bundle: string,
    private readonly limits: SandboxLimits,
  ) {}

  /** Loads the submission (starting a process if none runs): its function exports, or why it could not load. */
  start(): Promise<ReadyMessage | Fatal> {
    if (this.ready) return this.ready;
    ignoreInspectorSignal();
    this.stderr = '';
    this.violation = undefined;
    const child = this.spawn();
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-STDERR_KEEP);
    });
    const channel = child.stdio[3] as Duplex;
    const frames = new FrameReader();
    frames.limit = replyLimit(0);
    this.frames = frames;
    channel.on('data', (chunk: Buffer) => {
      if (this.child !== child) return;
      let messages;
      try {
        messages = frames.push(chunk);
      } catch (e) {
        return this.refuse(reasonOf(e));
      }
      for (const m of messages) this.deliver(m);
    });
    // A write to a child that died: its exit says why.
    channel.on('error', () => {});
    this.child = child;
    const request: LoadRequest = { type: 'load', ...this.address() };
    this.ready = this.exchange(request, (m) => acceptReady(m, request), this.limits.startupMs);
    return this.ready;
  }

  async run(request: Omit<RunRequest, 'type' | 'id' | 'nonce'>): Promise<RunReply | Fatal> {
    if (this.violation) {
      const fatal = { fatal: this.violation };
      this.violation = undefined;
      return fatal;
    }
    const loaded = await this.start();
    if ('fatal' in loaded) return loaded;
    const req: RunRequest = { ...request, type: 'run', ...this.address() };
    return this.exchange(req, (m) => acceptReply(m, req));
  }

  /** Ends the process (if any) and whatever it started; the next call starts a fresh one. */
  stop(): void {
    this.endGroup?.();
    this.child = undefined;
    this.ready = undefined;
  }

  private spawn(): ChildProcess {
    const { permissions = true, memoryMb } = this.limits;
    const node = [
      ...(permissions ? ['--experimental-permission', `--allow-fs-read=${this.bundle}`] : []),
      `--max-old-space-size=${memoryMb}`,
      '--no-warnings',
      this.bundle,
    ];
    const found = detectIsolation();
    const user = this.limits.user === false ? undefined : found.user;
    const namespaces = this.limits.namespaces !== false && found.namespaces;
    // Node dies with its parent; inside namespaces that is unshare (whose own `--kill-child` does not
    // survive `--setuid`), itself tied to the grader. A grader killed mid-case leaves nothing spinning.
    const command = [...tie(found.parentDeath), process.execPath, ...node];
    const [file, ...args] = namespaces ? [...tie(found.parentDeath), 'unshare', ...unshareArgs(found.root, user), ...command] : command;
    const child = spawn(file, args, {
      env: childEnv(this.bundle, !permissions),
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      // Its own process group, ended as a whole: a twin (no permission model) may start processes.
      detached: true,
      ...(user && !namespaces ? user : {}),
    });
    child.on('error', (e) => this.abort?.({ fatal: `could not start: ${cleanText(e.message, 200)}` }));
    // Its descendants too: inside namespaces the child leads a session of its own, and the parent-death
    // signal `--kill-child` sets does not survive `--setuid`. Killing the namespace's init ends the rest.
    this.endGroup = onTeardown(() => {
      for (const pid of descendants(child.pid)) kill(pid);
      if (!kill(-child.pid!)) child.kill('SIGKILL');
    });
    return child;
  }

  private address(): { id: number; nonce: string } {
    return { id: ++this.nextId, nonce: randomBytes(16).toString('base64url') };
  }

  private deliver(m: unknown): void {
    if (this.receive) this.receive(m);
    else this.refuse(`${describeValue(m)} while no request was waiting`);
  }

  /** The child broke the protocol: the pending request (or the next one) fails with `why`, and the process ends. */
  private refuse(why: string): void {
    const fatal = { fatal: `sent a message the grader does not accept: ${why}` };
    if (this.abort) this.abort(fatal);
    else {
      this.violation = fatal.fatal;
      this.stop();
    }
  }

  /**
   * Sends `request` and takes the next message as its reply (`accept` checks it), or a Fatal on a
   * message it refuses, timeout, memory exhaustion or exit.
   */
  private exchange<T>(request: Request, accept: (m: unknown) => T, timeoutMs = this.limits.timeoutMs): Promise<T | Fatal> {
    const child = this.child!;
    const { settle, result } = supervise<T | Fatal>(
      child,
      {
        timeoutMs,
        memoryMb: 2 * this.limits.memoryMb + 64,
        everyMs: WATCH_MS,
        onTimeout: () => ({ fatal: `never returned: timed out after ${timeoutMs} ms` }),
        onMemory: () => ({ fatal: this.memoryReason() }),
        onExit: (code, signal) => ({ fatal: this.deathReason(code, signal) }),
      },
      (r) => {
        this.receive = this.abort = undefined;
        if (typeof r === 'object' && r !== null && 'fatal' in r) this.stop();
      },
    );
    this.abort = settle;
    this.receive = (m) => {
      let reply: T;
      try {
        reply = accept(m);
      } catch (e) {
        return this.refuse(reasonOf(e));
      }
      settle(reply);
    };
    if (child.exitCode === null && child.signalCode === null) {
      const bytes = encodeFrame(request);
      this.frames!.limit = replyLimit(bytes.length);
      (child.stdio[3] as Duplex).write(bytes);
    }
    return result;
  }

  private memoryReason(): string {
    return `exhausted memory (limit ${this.limits.memoryMb} MB)`;
  }

  private deathReason(code: number | null, signal: string | null): string {
    const err = this.stderr;
    if (/heap out of memory|Reached heap limit|Allocation failed|Array buffer allocation failed/i.test(err)) return this.memoryReason();
    const firstError = err
      .split('\n')
      .find((l) => /Error|error:/.test(l))
      ?.trim();
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    return `crashed (${how})${firstError ? `: ${cleanText(firstError, 200)}` : ''}`;
  }
}
