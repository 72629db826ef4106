import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Every SQL statement of a feature lives in its `<feature>.queries.ts`, in functions named by
 * what they answer, so a reviewer reads a feature's statements (and the row-level security they
 * rely on) in one place. This scans the string and template literals of src/ for statements
 * anywhere else. Exempt: the queries files, specs, and the ground floor in src/database that
 * builds statements for every feature (find-by-id's prepared reads, the raw-query helpers).
 * Transaction control (BEGIN, COMMIT, SAVEPOINT …) is not a query and stays with the code
 * that owns the transaction.
 */
const GROUND_FLOOR = new Set(['src/database/find-by-id.ts', 'src/database/sql.ts']);

const STATEMENT =
  /\b(SELECT\s|INSERT\s+INTO\s|UPDATE\s+\S+(\s+AS\s+\w+)?\s+SET\s|DELETE\s+FROM\s|WITH\s+\w+\s+AS\s*\(|TRUNCATE\s|(CREATE|ALTER|DROP)\s+(TABLE|ROLE|DATABASE|INDEX|POLICY|FUNCTION|SCHEMA|VIEW|TRIGGER)\s)/;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return file.endsWith('.ts') ? [file] : [];
  });
}

function exempt(file: string): boolean {
  return file.endsWith('.queries.ts') || file.endsWith('.spec.ts') || GROUND_FLOOR.has(file);
}

/** The text of a literal, each `${…}` of a template read as a placeholder word. */
function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node))
    return node.head.text + node.templateSpans.map((span) => ` x ${span.literal.text}`).join('');
  return undefined;
}

/** `file:line: first line of the statement` for every SQL statement in a literal of the file. */
export function misplacedStatements(file: string, text = fs.readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const literal = literalText(node);
    if (literal !== undefined && STATEMENT.test(literal)) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      found.push(`${file}:${line}: ${literal.trim().split('\n')[0]!.slice(0, 80)}`);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('SQL lives in each feature’s queries file', () => {
  it('finds no SQL statement in a service, controller or helper outside *.queries.ts', () => {
    const offending = sourceFiles('src')
      .filter((file) => !exempt(file))
      .flatMap((file) => misplacedStatements(file));
    expect(offending).toEqual([]);
  });

  it('recognises statements in every literal form, and leaves prose and transaction control alone', () => {
    const sample = [
      "const a = 'SELECT id FROM case_file WHERE id = $1';",
      'const b = `UPDATE ${table} SET value = $2 WHERE id = $1`;',
      'const c = `INSERT INTO rate_limit_counter AS r (key) VALUES ($1)`;',
      "const d = 'DELETE FROM idempotency_key WHERE key = $1';",
      'const e = `WITH hits AS (SELECT 1) SELECT * FROM hits`;',
      'const f = `CREATE DATABASE ${name}`;',
      'const g = `p.facility_id IN (SELECT f.id FROM facility f)`;',
      "const h = 'Select a case to read'; const i = 'SAVEPOINT admit'; const j = 'COMMIT';",
    ].join('\n');
    expect(misplacedStatements('sample.ts', sample).map((hit) => hit.split(':')[1])).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
    ]);
  });
});
