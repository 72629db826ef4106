import fs from 'node:fs';
import path from 'node:path';

export interface FirstStartCredentials {
  email: string;
  oneTimePassword: string;
}

/** Where the one-time password goes when no terminal can show it (a container, a service, CI). */
export const ONE_TIME_PASSWORD_FILE = 'first-start-admin.txt';

export interface NoticeTarget {
  /** Writes to the person at the terminal, or answers false when there is none. */
  writeToTerminal(text: string): boolean;
  /** Writes a line to stderr: read by people, never the JSON log stream (stdout). */
  writeToStderr(text: string): void;
}

/** The terminal: stderr when it is one, else the controlling terminal (`npm start > api.log` still shows it). */
export const processTerminal: NoticeTarget = {
  writeToTerminal(text) {
    if (process.stderr.isTTY) {
      process.stderr.write(text);
      return true;
    }
    let fd: number | undefined;
    try {
      fd = fs.openSync('/dev/tty', 'w');
      fs.writeSync(fd, text);
      return true;
    } catch {
      return false;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  },
  writeToStderr(text) {
    process.stderr.write(text);
  },
};

/** Lines in a frame, so the notice stands apart from everything else on the screen. */
export function framed(lines: string[]): string {
  const width = Math.max(...lines.map((l) => [...l].length));
  const bar = `+${'-'.repeat(width + 4)}+`;
  const body = lines.map((l) => `|  ${l}${' '.repeat(width - [...l].length)}  |`);
  return `\n${[bar, ...body, bar].join('\n')}\n\n`;
}

/**
 * Shows the generated administrator password once, to a person, never to the JSON log: on the
 * terminal when there is one; otherwise in a file only the service account can read (0600), whose
 * path, not the password, goes to stderr. Called after "API ready", so it is the last thing shown.
 */
export function showOneTimePassword(
  credentials: FirstStartCredentials,
  options: { dataDir: string; docsUrl?: string },
  target: NoticeTarget = processTerminal,
): void {
  const signIn = options.docsUrl
    ? `Sign in at ${options.docsUrl} (POST /auth/login), then change it (POST /auth/password).`
    : 'Sign in (POST /auth/login), then change it (POST /auth/password).';
  const lines = [
    'FIRST START: a system administrator was created.',
    '',
    `  email:              ${credentials.email}`,
    `  one-time password:  ${credentials.oneTimePassword}`,
    '',
    'It is shown only now and must be changed at first sign-in.',
    signIn,
  ];
  if (target.writeToTerminal(framed(lines))) return;
  const file = path.join(options.dataDir, ONE_TIME_PASSWORD_FILE);
  fs.mkdirSync(options.dataDir, { recursive: true });
  fs.writeFileSync(file, `${credentials.email}\n${credentials.oneTimePassword}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  target.writeToStderr(
    framed([
      'FIRST START: a system administrator was created.',
      '',
      `  email:  ${credentials.email}`,
      `  No terminal to show the one-time password: it is in ${file}`,
      '  (readable by this service account only). Delete the file after signing in.',
      '',
      signIn,
    ]),
  );
}
