import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import inspector from 'node:inspector';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleSubmission } from '../scripts/grade/bundle';
import { Grader, type GradeResult } from '../scripts/grade/grade';
import { checkTensors } from '../scripts/grade/judge';
import { acceptReply, ProtocolError, type RunRequest, type WireTensor } from '../scripts/grade/protocol';
import { DEFAULT_RUBRIC } from '../scripts/grade/rubric';
import { detectIsolation, Sandbox } from '../scripts/grade/sandbox';
import { MESSAGE_MAX } from '../scripts/grade/text';
import { compare } from './harness/tolerance';

/**
 * The grader against submissions that attack it (spec/gallery/hostile/): they signal or debug the
 * grader, read its environment, forge or garble replies. Each must leave the grader running,
 * unharmed and able to grade the next submission, and score nothing it did not earn.
 */
const hostile = (name: string) => join(__dirname, 'gallery', 'hostile', `${name}.ts`);
const gallery = (name: string) => join(__dirname, 'gallery', `${name}.ts`);
const rubric = { ...DEFAULT_RUBRIC, ops: { relu: 100 }, randomCases: 3, gradcheckCases: 1, timeoutMs: 3000, memoryMb: 128 };
const grader = new Grader(rubric);
const isolation = detectIsolation();

const outputs = (r: GradeResult) => r.tests.map((t) => t.output);

/** Every test scored 0 with `reason` in its output. */
function expectAllZero(r: GradeResult, reason: RegExp) {
  for (const t of r.tests) {
    expect(t.score, `${t.name}: ${t.output}`).toBe(0);
    expect(t.output).toMatch(reason);
  }
}

/** The grader still grades: a correct submission right after, with the same Grader, scores full marks. */
async function expectGraderStillGrades() {
  expect((await grader.grade(gallery('correct'))).score).toBe(100);
}

/** Whether something accepts connections on the inspector's default port, 127.0.0.1:9229. */
const inspectorPortOpen = () =>
  new Promise<boolean>((resolve) => {
    const socket = connect(9229, '127.0.0.1');
    const answer = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.on('connect', () => answer(true)).on('error', () => answer(false));
    socket.setTimeout(1000, () => answer(false));
  });

/** One request for relu to the submission `file` in a Sandbox with the given layers on or off; `after` sees the bundle's path once the sandbox stopped. */
async function reluThrough(file: string, layers: { user: boolean; namespaces: boolean }, after?: (bundle: string) => void) {
  const bundle = await bundleSubmission(file);
  const sandbox = new Sandbox(bundle.file, { timeoutMs: 3000, memoryMb: 128, ...layers });
  try {
    const x = { shape: [2], data: Float64Array.from([-1, 2]) };
    const op = { id: 'relu', inputs: [{ name: 'x', kind: 'float' as const, differentiable: true }], outputs: ['out'] };
    return await sandbox.run({ target: { op, forward: 'reluForward' }, calls: [{ inputs: { x }, params: {} }] });
  } finally {
    sandbox.stop();
    after?.(bundle.file);
    bundle.dispose();
  }
}

const readFileOr = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};
/** Processes (Linux) whose command line names `path`. */
const running = (path: string) => readdirSync('/proc').filter((p) => /^\d+$/.test(p) && readFileOr(`/proc/${p}/cmdline`).includes(path));

describe('the sandboxed process cannot signal or debug the grader', () => {
  it('records what it enforces here', () => {
    expect(isolation.root).toBe(process.getuid?.() === 0);
    if (isolation.root) expect(isolation.user).toEqual({ uid: 65534, gid: 65534 });
    expect(typeof isolation.namespaces).toBe('boolean');
  });

  it('opens no inspector in the grader when a submission sends it SIGUSR1', async () => {
    const r = await grader.grade(hostile('inspector_signal'));
    expect(inspector.url()).toBeUndefined();
    expect(await inspectorPortOpen()).toBe(false);
    expect(r.score).toBe(100);
  });

  // With no other layer, SIGUSR1 reaches the grader (this test process): only its own listener stands in the way.
  it('opens no inspector in the grader when SIGUSR1 reaches it, even with user and namespaces off', async () => {
    expect(await inspectorPortOpen(), 'something already listens on 9229').toBe(false);
    try {
      const reply = await reluThrough(hostile('inspector_signal'), { user: false, namespaces: false });
      expect(reply).toMatchObject({ outputs: [{ out: { shape: [2], data: Float64Array.from([0, 2]) } }] });
      await new Promise((r) => setTimeout(r, 300));
      expect(inspector.url()).toBeUndefined();
      expect(await inspectorPortOpen()).toBe(false);
    } finally {
      inspector.close();
    }
  });

  // Outside a network namespace an inspector on the loopback would let any local process drive the child.
  it('keeps a submission from opening its own inspector, even with user and namespaces off', async () => {
    expect(await inspectorPortOpen(), 'something already listens on 9229').toBe(false);
    const reply = await reluThrough(hostile('own_inspector'), { user: false, namespaces: false });
    expect(reply).toMatchObject({ fault: { kind: 'threw', message: 'inspector closed' } });
  });

  it.runIf(isolation.user || isolation.namespaces)('survives a submission that sends its parent SIGSTOP and SIGKILL', async () => {
    const r = await grader.grade(hostile('stop_kill_parent'));
    expect(r.score).toBe(100);
    await expectGraderStillGrades();
  });

  // Only inside a PID namespace: elsewhere kill -1 from the sandbox's user reaches every process of that user.
  it.runIf(isolation.namespaces && isolation.root)('keeps kill -1 and pid 1 inside its own PID namespace', async () => {
    // A process of the sandbox's own user outside the sandbox: reachable by kill -1 without the namespace.
    const bystander = spawn('sleep', ['60'], { uid: 65534, gid: 65534, stdio: 'ignore' });
    try {
      const r = await grader.grade(hostile('kill_everyone'));
      expect(r.score).toBe(100);
      expect(bystander.exitCode).toBeNull();
      expect(bystander.signalCode).toBeNull();
    } finally {
      bystander.kill('SIGKILL');
    }
  });

  const layerSets = [
    { user: false, namespaces: false },
    ...(isolation.user ? [{ user: true, namespaces: false }] : []),
    ...(isolation.namespaces ? [{ user: false, namespaces: true }] : []),
    ...(isolation.user && isolation.namespaces ? [{ user: true, namespaces: true }] : []),
  ];
  it.runIf(process.platform === 'linux').each(layerSets)('leaves no process behind once stopped after a timeout (%o)', async (layers) => {
    let bundle = '';
    const reply = await reluThrough(gallery('infinite_loop'), layers, (file) => {
      bundle = file;
    });
    expect(reply).toMatchObject({ fatal: expect.stringMatching(/timed out/) });
    // SIGKILL is delivered asynchronously: give the kernel a moment to reap.
    let left = running(bundle);
    for (let tries = 0; left.length && tries < 20; tries++) {
      await new Promise((r) => setTimeout(r, 50));
      left = running(bundle);
    }
    expect(bundle).not.toBe('');
    expect(left).toEqual([]);
  });

  // A grader killed mid-case (a cancelled CI job, the OOM killer) must not leave a submission spinning.
  it.runIf(process.platform === 'linux').each(layerSets)('ends a child stuck in a loop when the grader itself is SIGKILLed (%o)', async (layers) => {
    const code = `(async () => {
      const { bundleSubmission } = await import(${JSON.stringify(join(__dirname, '..', 'scripts', 'grade', 'bundle.ts'))});
      const { Sandbox } = await import(${JSON.stringify(join(__dirname, '..', 'scripts', 'grade', 'sandbox.ts'))});
      const bundle = await bundleSubmission(${JSON.stringify(gallery('infinite_loop'))});
      const sandbox = new Sandbox(bundle.file, { timeoutMs: 60000, memoryMb: 128, ...${JSON.stringify(layers)} });
      const x = { shape: [2], data: Float64Array.from([-1, 2]) };
      const op = { id: 'relu', inputs: [{ name: 'x', kind: 'float', differentiable: true }], outputs: ['out'] };
      void sandbox.run({ target: { op, forward: 'reluForward' }, calls: [{ inputs: { x }, params: {} }] });
      console.log(process.pid, bundle.file);
    })();`;
    // tsx runs the code in a process of its own: that process, which prints its pid, is the grader.
    const tsx = spawn(join(__dirname, '..', 'node_modules', '.bin', 'tsx'), ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [pid, bundle] = await new Promise<[number, string]>((resolve, reject) => {
      tsx.stdout.once('data', (d: Buffer) => {
        const [grader, file] = d.toString().trim().split(' ');
        resolve([Number(grader), file]);
      });
      tsx.once('exit', (code) => reject(new Error(`the grader exited with ${code} before it started the child`)));
    });
    const until = async (done: () => boolean) => {
      for (let tries = 0; !done() && tries < 100; tries++) await new Promise((r) => setTimeout(r, 50));
    };
    try {
      // Spinning: the child is up and has had time to take the request.
      await until(() => running(bundle).length > 0);
      await new Promise((r) => setTimeout(r, 500));
      expect(running(bundle)).not.toEqual([]);
      process.kill(pid, 'SIGKILL');
      await until(() => running(bundle).length === 0);
      expect(running(bundle)).toEqual([]);
    } finally {
      tsx.kill('SIGKILL');
      for (const left of running(bundle)) process.kill(Number(left), 'SIGKILL');
    }
  });

  it.runIf(isolation.root)('another uid alone keeps SIGSTOP and SIGKILL from the grader', async () => {
    const reply = await reluThrough(hostile('stop_kill_parent'), { user: true, namespaces: false });
    expect(reply).toMatchObject({ outputs: [{ out: { shape: [2], data: Float64Array.from([0, 2]) } }] });
  });

  it.runIf(isolation.namespaces)('a PID namespace alone keeps SIGSTOP and SIGKILL from the grader', async () => {
    const reply = await reluThrough(hostile('stop_kill_parent'), { user: false, namespaces: true });
    expect(reply).toMatchObject({ outputs: [{ out: { shape: [2], data: Float64Array.from([0, 2]) } }] });
  });

  // As the grader's own user (Linux not root), the launcher is signallable: the child must not share its process group.
  it.runIf(isolation.namespaces)('in a PID namespace, signals to its own process group reach nothing outside it', async () => {
    for (const user of isolation.user ? [false, true] : [false]) {
      const reply = await reluThrough(hostile('kill_group'), { user, namespaces: true });
      expect(reply, `user ${user}`).toMatchObject({ outputs: [{ out: { shape: [2], data: Float64Array.from([0, 2]) } }] });
    }
  });
});

describe("the sandboxed process gets no variable of the grader's environment", () => {
  const secret = randomBytes(12).toString('hex');
  process.env.GRADCHECK_TEST_SECRET = secret;
  afterAll(() => delete process.env.GRADCHECK_TEST_SECRET);

  it('does not see a secret the grader holds', async () => {
    const r = await grader.grade(hostile('reads_env'));
    for (const output of outputs(r)) {
      expect(output).not.toContain(secret);
      const [, secrets, names] = /secrets \[(.*?)\] names \[(.*?)\]/.exec(output) ?? [];
      expect(secrets).toBe('');
      expect(names.split(' ').filter(Boolean)).toEqual([]);
    }
  });
});

describe("replies: only the runner's, one per request, validated", () => {
  it('gives nothing to a submission that answers requests itself while its functions throw', async () => {
    expectAllZero(await grader.grade(hostile('forges_replies')), /not implemented|does not accept/);
    await expectGraderStillGrades();
  });

  it("gives nothing to a submission that looks for the runner's channel (active handles, its async resource) to answer first", async () => {
    expectAllZero(await grader.grade(hostile('finds_channel')), /not implemented|does not accept/);
  });

  it('fails a case on a message it did not ask for (replies sent ahead for later requests)', async () => {
    expectAllZero(await grader.grade(hostile('forges_next_id')), /sent a message the grader does not accept/);
    await expectGraderStillGrades();
  });

  it('survives null, strings, malformed faults and unknown types, failing the submission with a reason', async () => {
    expectAllZero(await grader.grade(hostile('sends_garbage')), /failed to load: sent a message the grader does not accept/);
    await expectGraderStillGrades();
  });

  it('survives frames no decoder accepts', async () => {
    expectAllZero(await grader.grade(hostile('bad_frame')), /failed to load: sent a message the grader does not accept/);
    await expectGraderStillGrades();
  });

  it('refuses a reply frame far larger than the request could need, before decoding it', async () => {
    const started = Date.now();
    const reply = await reluThrough(hostile('frame_bomb'), { user: !!isolation.user, namespaces: isolation.namespaces });
    expect(reply).toMatchObject({ fatal: expect.stringMatching(/sent a message the grader does not accept: a frame of \d+ bytes \(at most \d+\)/) });
    expect(Date.now() - started).toBeLessThan(2500);
  });

  const request: RunRequest = {
    type: 'run',
    id: 7,
    nonce: 'n0nce',
    target: {
      op: { id: 'relu', inputs: [{ name: 'x', kind: 'float', differentiable: true }], outputs: ['out'] },
      forward: 'reluForward',
      backward: 'reluBackward',
    },
    calls: [{ inputs: { x: { shape: [2], data: Float64Array.from([1, -1]) } }, params: {} }],
    douts: { out: { shape: [2], data: Float64Array.from([1, 1]) } },
  };
  const tensor = (shape: number[], data: ArrayLike<number> = new Float64Array(shape.reduce((a, b) => a * b, 1))) => ({ shape, data });
  const good = { type: 'result', id: 7, nonce: 'n0nce', outputs: [{ out: tensor([2]) }], grads: { dx: tensor([2]) } };

  it("accepts the runner's reply", () => {
    expect(acceptReply(good, request)).toMatchObject({ id: 7, outputs: [{ out: { shape: [2] } }] });
  });

  it.each([
    ['null', null],
    ['a string', 'hello'],
    ['an array', [good]],
    ['an unknown type', { ...good, type: 'take-over' }],
    ["another request's id", { ...good, id: 8 }],
    ['no nonce', { ...good, nonce: undefined }],
    ['a wrong nonce', { ...good, nonce: 'guess' }],
    ['an unknown key', { ...good, admin: true }],
    ['too few outputs', { ...good, outputs: [] }],
    ['an output of another name', { ...good, outputs: [{ out: tensor([2]), extra: tensor([2]) }] }],
    ['a gradient of another name', { ...good, grads: { dw: tensor([2]) } }],
    ['a shape of non-integers', { ...good, outputs: [{ out: tensor([1.5], new Float64Array(1)) }] }],
    ['a negative size', { ...good, outputs: [{ out: tensor([-2], new Float64Array(0)) }] }],
    ['data shorter than the shape', { ...good, outputs: [{ out: tensor([3], new Float64Array(2)) }] }],
    ['data as plain numbers', { ...good, outputs: [{ out: tensor([2], [1, 2]) }] }],
    ['a fault of unknown kind', { ...good, fault: { kind: 'passed', where: 'forward', message: '' } }],
    ['a fault with a numeric place', { ...good, fault: { kind: 'threw', where: 7, message: 'x' } }],
    ['a fault whose message is an object', { ...good, fault: { kind: 'threw', where: 'forward', message: { toString: 1 } } }],
  ])('rejects a reply with %s, in one line', (_, message) => {
    expect(() => acceptReply(message, request)).toThrow(ProtocolError);
    try {
      acceptReply(message, request);
    } catch (e) {
      expect((e as Error).message).not.toContain('\n');
      expect((e as Error).message.length).toBeLessThan(300);
    }
  });

  it('cuts a 20 MB fault message to a few kB without escapes before it becomes a verdict', () => {
    const message = `\u001b[31mboom\u0007 ${'\u001b[1mA'.repeat(5_000_000)}`;
    const reply = acceptReply({ ...good, outputs: [], grads: undefined, fault: { kind: 'threw', where: 'forward', message } }, request);
    expect(reply.fault!.message.length).toBeLessThan(MESSAGE_MAX + 100);
    expect(reply.fault!.message).toMatch(/^boom A+/);
    // eslint-disable-next-line no-control-regex -- the point: no control character is left
    expect(reply.fault!.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it('judges a missing or non-number element a failure, never within tolerance', () => {
    const want = { out: { shape: [3], data: Float64Array.from([1, 2, 3]) } };
    const short = { shape: [3], data: Float64Array.from([1, 2]) } as WireTensor;
    expect(checkTensors('forward', { out: short }, want, { atol: 1, rtol: 1 })).toMatch(/out holds 2 numbers, shape \[3\] needs 3/);
    expect(compare('out', short, want.out, { atol: 1, rtol: 1 }).ok).toBe(false);
  });
});

describe("extra keys in a backward's result are ignored, as in a forward's", () => {
  it('gives a correct relu whose backward also returns a note full marks', async () => {
    const r = await grader.grade(gallery('extra_grad_keys'));
    expect(r.tests.filter((t) => t.score !== t.maxScore)).toEqual([]);
    expect(r.score).toBe(100);
  });

  it('does the same for a twin', async () => {
    const r = await new Grader({ ...rubric, timeoutMs: 1500 }, { twin: true }).grade(gallery('twin_extra_grad_keys'));
    expect(r.tests.filter((t) => t.score !== t.maxScore)).toEqual([]);
    expect(r.score).toBe(100);
  });
});
