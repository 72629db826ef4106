/** Prints the role → permission table (pasted into the README between the roles markers). */
import { roleTableMarkdown } from '../src/auth/role-table.js';

process.stdout.write(`${roleTableMarkdown()}\n`);
