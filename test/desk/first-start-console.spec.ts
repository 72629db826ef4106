import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { framed, ONE_TIME_PASSWORD_FILE, showOneTimePassword } from '../../src/users/first-start-notice.js';
import { deploy, type Deployment } from '../harness/spawned-api.js';
import { testClusterInfo } from '../harness/test-cluster.js';

/** What a newcomer sees on the console at the first start of the production build. */
describe('console at first start', () => {
  let d: Deployment;
  beforeAll(async () => {
    d = await deploy();
  }, 180_000);
  afterAll(() => d?.close());

  it('keeps the one-time password out of the JSON log, shows a plain "API ready" link, routes at debug', async () => {
    let stdout = '';
    let stderr = '';
    // detached: a session of its own, without a controlling terminal, as in a container or CI.
    // A first start with no administrator configured: the API makes one and shows its password.
    const { BOOTSTRAP_ADMIN_EMAIL: _email, BOOTSTRAP_ADMIN_PASSWORD: _password, ...env } = d.env;
    const child = spawn(process.execPath, ['dist/src/main.js'], {
      env: { PATH: process.env.PATH ?? '', ...env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<void>((resolve) =>
      child.on('exit', () => {
        // The run's log canary scan reads these lines too.
        fs.appendFileSync(path.join(testClusterInfo().logDir, `spawned-first-start-${child.pid}.log`), stdout + stderr);
        resolve();
      }),
    );
    try {
      const deadline = Date.now() + 120_000;
      while (!/API ready at /.test(stderr)) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`API not ready:\n${stderr}\n${stdout}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // The notice follows the ready line in the same write sequence; wait for its closing frame.
      while (!/Delete the file after signing in[\s\S]*\+-+\+\n/.test(stderr) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));

      // PORT=0: the line names the port the system gave, as a browser link to Swagger UI.
      const ready = /^API ready at http:\/\/127\.0\.0\.1:(\d+)\/docs$/m.exec(stderr);
      expect(ready).not.toBeNull();
      const port = Number(ready![1]);
      const file = path.join(d.env.DATA_DIR!, ONE_TIME_PASSWORD_FILE);
      const [email, password] = fs.readFileSync(file, 'utf8').trim().split('\n');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
      expect(stderr).toContain(file);
      expect(stderr).toContain(`email:  ${email}`);

      // The JSON log: only JSON lines, never the password, no route-mapping chatter at info.
      const lines = stdout.split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      expect(stdout).not.toContain(password);
      expect(stderr).not.toContain(password);
      expect(lines.filter((l) => /Mapped \{/.test(l))).toEqual([]);
      expect(lines.length).toBeLessThan(20);

      const login = await fetch(`http://127.0.0.1:${port}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      expect(login.status).toBe(200);
      expect(((await login.json()) as { mustChangePassword: boolean }).mustChangePassword).toBe(true);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 180_000);

  it('frames the password alone on the terminal when there is one, and writes no file', () => {
    const dataDir = fs.mkdtempSync(path.join(d.dir, 'tty-'));
    const shown: string[] = [];
    const stderr: string[] = [];
    showOneTimePassword(
      { email: 'admin@ctcm.local', oneTimePassword: 'Abcdefghijkmnpqrstuv' },
      { dataDir, docsUrl: 'http://localhost:3000/docs' },
      { writeToTerminal: (t) => (shown.push(t), true), writeToStderr: (t) => void stderr.push(t) },
    );
    expect(stderr).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, ONE_TIME_PASSWORD_FILE))).toBe(false);
    const rows = shown.join('').trim().split('\n');
    expect(rows[0]).toMatch(/^\+-+\+$/);
    expect(rows.at(-1)).toBe(rows[0]);
    expect(new Set(rows.map((r) => r.length)).size).toBe(1);
    expect(shown.join('')).toContain('one-time password:  Abcdefghijkmnpqrstuv');
    expect(shown.join('')).toContain('http://localhost:3000/docs');
    expect(framed(['a']).startsWith('\n')).toBe(true);
  });
});
