import type { DemoLoadResult } from './demo-loader.js';

/**
 * The demo accounts, written to the terminal (stderr), never to the JSON log stream: the
 * password is a credential, even a demo one.
 */
export function printDemoAccounts(
  result: DemoLoadResult,
  write: (text: string) => void = (t) => process.stderr.write(t),
): void {
  const width = Math.max(...result.accounts.map((a) => a.email.length));
  const lines = result.accounts.map(
    (a) => `    ${a.email.padEnd(width)}  ${a.roles.join('+').padEnd(22)}  ${a.agency}`,
  );
  const password =
    result.passwordSource === 'DEMO_PASSWORD'
      ? 'the value of DEMO_PASSWORD'
      : `${result.password}   (generated; kept in DATA_DIR/secrets.json as demoPassword)`;
  write(
    `\n  Demo data: ${result.accounts.length} demo accounts, all with the password:\n    ${password}\n` +
      `  Every start with --demo (or DEMO_DATA=true) resets them to it.\n\n${lines.join('\n')}\n\n`,
  );
}
