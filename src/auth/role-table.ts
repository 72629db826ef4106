import { Permission, PUBLIC_PERMISSIONS, ROLE_PERMISSIONS, ROLES } from './permissions.js';

/** The role → permission table as Markdown; the README embeds it and a test keeps it current. */
export function roleTableMarkdown(): string {
  const permissions = Object.values(Permission).filter((p) => !PUBLIC_PERMISSIONS.has(p));
  const header = `| permission | ${ROLES.join(' | ')} |`;
  const rule = `|---|${ROLES.map(() => ':-:').join('|')}|`;
  const rows = permissions.map(
    (p) => `| \`${p}\` | ${ROLES.map((r) => (ROLE_PERMISSIONS[r].includes(p) ? '✓' : '')).join(' | ')} |`,
  );
  const publicLine = `Public (no token): ${[...PUBLIC_PERMISSIONS].map((p) => `\`${p}\``).join(', ')}.`;
  return [header, rule, ...rows, '', publicLine].join('\n');
}
