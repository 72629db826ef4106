/** Prints the role → permission table (pasted into the README between the roles markers). */
import '../src/runtime-check.js';
import { roleTableMarkdown } from '../src/auth/role-table.js';

process.stdout.write(`${roleTableMarkdown()}\n`);
