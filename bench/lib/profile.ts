import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  sampledMs: number;
  busyMs: number;
  /** Share of busy (non-idle) CPU time per component, self time. */
  byComponent: { component: string; ms: number; pct: number }[];
  /** Functions with the most self time. */
  topSelf: { fn: string; ms: number; pct: number }[];
  /** Application functions (src/) by inclusive time: the request path's expensive steps. */
  topAppInclusive: { fn: string; ms: number; pct: number }[];
}

const COMPONENTS: [RegExp, string][] = [
  [/node_modules\/(pg|pg-protocol|pg-types|pg-pool|pg-query-stream|pg-cursor|postgres-[a-z]+)\//, 'pg driver'],
  [/node_modules\/typeorm\//, 'TypeORM'],
  [/node_modules\/(class-validator|class-transformer|validator|libphonenumber-js)\//, 'class-validator/transformer'],
  [/node_modules\/@nestjs\//, 'NestJS'],
  [
    /node_modules\/(express|router|body-parser|finalhandler|send|serve-static|path-to-regexp|qs|raw-body|content-type|type-is|accepts|negotiator|on-finished|helmet)\//,
    'Express + helmet',
  ],
  [
    /node_modules\/(passport|passport-jwt|passport-strategy|jsonwebtoken|jws|jwa|ecdsa-sig-formatter|safe-buffer|semver)\//,
    'passport/JWT',
  ],
  [
    /node_modules\/(pino|pino-http|pino-std-serializers|sonic-boom|thread-stream|fast-redact|quick-format-unescaped|atomic-sleep|on-exit-leak-free)\//,
    'pino logging',
  ],
  [/node_modules\/argon2\//, 'argon2'],
  [/node_modules\/rxjs\//, 'rxjs'],
  [/node_modules\//, 'other dependencies'],
  [/\/src\/audit\//, 'app: audit'],
  [/\/src\/access\//, 'app: access control'],
  [/\/src\/crypto\/|\/src\/persons\/person\.codec/, 'app: encryption'],
  [/\/src\/database\//, 'app: database/transactions'],
  [/\/src\/common\//, 'app: common (http, errors, context)'],
  [/\/src\/auth\//, 'app: auth'],
  [/\/src\//, 'app: other'],
  [/^node:|^internal\//, 'Node.js core (http, net, streams)'],
];

function componentOfUrl(url: string): string {
  for (const [pattern, name] of COMPONENTS) if (pattern.test(url)) return name;
  return 'other';
}

/**
 * Native frames (socket writes, crypto, ...) count for the component that called them, marked
 * "native": with several processes on two cores, time blocked or preempted inside a system call
 * (e.g. writev waking a PostgreSQL backend) is sampled there too.
 */
function componentOf(node: ProfileNode, byId: Map<number, ProfileNode>, parent: Map<number, number>): string {
  const { url, functionName } = node.callFrame;
  if (url) return componentOfUrl(url);
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)' || functionName === '(root)') return 'native, no JavaScript caller';
  for (let cur = parent.get(node.id); cur !== undefined; cur = parent.get(cur)) {
    const p = byId.get(cur)!;
    if (p.callFrame.url) return `${componentOfUrl(p.callFrame.url)} (native ${functionName || 'code'})`;
  }
  return 'native, no JavaScript caller';
}

const shortUrl = (url: string) => url.replace(/^file:\/\/.*?\/(src|node_modules)\//, '$1/').replace(/^file:\/\//, '');
const fnKey = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

export function summariseProfile(file: string, top = 15): ProfileSummary {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  }
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  let sampled = 0;
  let idle = 0;
  const components = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    sampled += ms;
    const comp = componentOf(n, byId, parent);
    if (comp === 'idle') {
      idle += ms;
      continue;
    }
    components.set(comp, (components.get(comp) ?? 0) + ms);
    fns.set(fnKey(n), (fns.get(fnKey(n)) ?? 0) + ms);
  }
  const busy = sampled - idle;

  // Inclusive time of application functions (a recursive function is counted once per stack).
  const inclusive = new Map<string, number>();
  for (const [id, ms] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      if (!n.callFrame.url.includes('/src/') || n.callFrame.url.includes('/node_modules/')) continue;
      const key = fnKey(n);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
    }
  }
  const pct = (ms: number) => Math.round((ms / Math.max(1, busy)) * 1000) / 10;
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    file: path.basename(file),
    sampledMs: Math.round(sampled),
    busyMs: Math.round(busy),
    byComponent: sorted(components).map(([component, ms]) => ({ component, ms: Math.round(ms), pct: pct(ms) })),
    topSelf: sorted(fns)
      .slice(0, top)
      .map(([fn, ms]) => ({ fn, ms: Math.round(ms), pct: pct(ms) })),
    topAppInclusive: sorted(inclusive)
      .slice(0, top)
      .map(([fn, ms]) => ({ fn, ms: Math.round(ms), pct: pct(ms) })),
  };
}
