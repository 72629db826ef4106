import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { deploy, type Deployment, startApi, type Api } from '../harness/spawned-api.js';

/**
 * docs/walkthrough.md is run exactly as written: its `bash` blocks (curl and jq) against the
 * production build, from an empty deployment with the bootstrap administrator its first block
 * starts. A newcomer copies these commands; when the API changes under them, this fails.
 */
const WALKTHROUGH = 'docs/walkthrough.md';

describe('docs/walkthrough.md, run as written', () => {
  let d: Deployment;
  let api: Api;
  let blocks: string[];

  beforeAll(async () => {
    for (const tool of ['bash', 'curl', 'jq'])
      if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
        throw new Error(`${tool} is needed to run ${WALKTHROUGH} (apt-get install -y ${tool}; .ci/run does)`);
    blocks = [...fs.readFileSync(WALKTHROUGH, 'utf8').matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const start = blocks.shift()!;
    const email = /BOOTSTRAP_ADMIN_EMAIL=(\S+)/.exec(start)?.[1];
    const password = /BOOTSTRAP_ADMIN_PASSWORD='([^']+)'/.exec(start)?.[1];
    if (!email || !password) throw new Error(`the first block of ${WALKTHROUGH} no longer starts the API`);
    d = await deploy();
    api = await startApi(d, { BOOTSTRAP_ADMIN_EMAIL: email, BOOTSTRAP_ADMIN_PASSWORD: password });
  }, 300_000);

  afterAll(async () => {
    await api?.stop();
    await d?.close();
  });

  it('takes a case from an empty deployment to closure, every step answering as the text says', () => {
    const script = blocks.join('\n').replace('API=http://localhost:3000', `API=${api.base}`);
    expect(script).toContain(`API=${api.base}`);
    // -v echoes each command before its output, so a failure shows which step answered what.
    const run = spawnSync('bash', ['-v', '-c', script], { encoding: 'utf8', timeout: 540_000 });
    const output = `${run.stdout}${run.stderr}`;
    const context = `\n--- walkthrough output ---\n${output.slice(-6000)}`;
    if (run.status !== 0 || run.signal)
      throw new Error(`the walkthrough ended with ${run.signal ?? `exit status ${run.status}`}${context}`);
    // Nothing a newcomer would read as a failure: no error code, no jq error, no empty answer.
    for (const failure of [
      'VALIDATION_FAILED',
      'MALFORMED_JSON',
      'UNAUTHENTICATED',
      'PASSWORD_CHANGE_REQUIRED',
      'FORBIDDEN',
      'NOT_FOUND',
      'ILLEGAL_TRANSITION',
      'PRECONDITION',
      'CONFLICT',
      'jq: error',
    ])
      if (output.includes(failure)) throw new Error(`the walkthrough printed ${failure}${context}`);
    // The limited view hides the identification decision, as the text says; nothing else is null.
    const nullLines = output
      .split('\n')
      .filter((line) => /^\s*"?null"?,?$|: null,?$/.test(line) && !line.includes('"identificationStatus": null'));
    if (nullLines.length) throw new Error(`the walkthrough printed null where it shows a value${context}`);
    // The one refusal the text announces, and the stages it walks through, in order.
    const lines = output.split('\n');
    expect(lines.filter((line) => line === 'STAGE_FACT_MISSING')).toHaveLength(1);
    const stages = lines.filter((line) => /^[a-z_]+$/.test(line));
    expect(stages).toEqual([
      'screening',
      'identified',
      'assessment',
      'planning',
      'referred',
      'assessment',
      'planning',
      'active',
      'reintegration',
      'follow_up',
    ]);
    expect(output).toContain('"stage": "closed"');
    expect(output).toContain('"changeReason": "case_closed"');
  }, 600_000);
});
