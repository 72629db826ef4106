import http from 'node:http';
import type { Ctx, Samples, Target } from '../scenarios.js';
import { startApi } from '../scenarios.js';
import { log, percentile, rssOf, rssSampler, round } from '../lib/util.js';

/**
 * Documents (issue 17): a 20 MB upload and download end to end with encryption (MB/s), the RSS
 * growth of the API while 8 such uploads run at once, and the p95 of listing a case's documents
 * with 1,000 files on it. Sizes from BENCH_DOC_MB (default 20) and BENCH_DOC_FILES (default 1000),
 * so a smoke run can be tiny. Runs on an API process of its own (DOCUMENT_MAX_PER_RECORD raised
 * so one case can hold the files; the per-record limit is not what is measured).
 */
export interface DocumentsResult {
  fileMb: number;
  /** Medians of TRANSFERS uploads and downloads after a full-size warm-up. */
  uploadMBps: number;
  downloadMBps: number;
  uploadSamplesMBps: number[];
  downloadSamplesMBps: number[];
  /** The warm-up: the first upload of a fresh API process. */
  coldUploadMBps: number;
  concurrentUploads: number;
  concurrentRssGrowthMb: number;
  listFiles: number;
  listP95Ms: number;
  listP50Ms: number;
  listRequests: number;
  targets: { uploadMBps: number; downloadMBps: number; rssGrowthMb: number; listP95Ms: number };
}

const MB = 1024 * 1024;
/** Unmeasured full-size uploads and downloads first, then the measured ones, one at a time. */
const WARM_UPS = 3;
const TRANSFERS = 5;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** A valid PDF of about `bytes` bytes (the padding is a comment block): type checks pass, nothing is decoded. */
function pdfOfSize(bytes: number): Buffer {
  const head =
    '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n';
  const tail = 'trailer\n<< /Root 1 0 R >>\n%%EOF\n';
  const line = `% ${'b'.repeat(77)}\n`;
  const lines = Math.max(0, Math.floor((bytes - head.length - tail.length) / line.length));
  return Buffer.concat([Buffer.from(head), Buffer.from(line.repeat(lines)), Buffer.from(tail)]);
}

function send(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer[],
): Promise<{ status: number; bytes: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, { method, headers, agent: false }, (res) => {
      let bytes = 0;
      const keep: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (keep.length < 64) keep.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, text: Buffer.concat(keep).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    for (const part of body ?? []) req.write(part);
    req.end();
  });
}

/** A multipart upload streamed from memory: the fields, then the file. */
function uploadFile(url: string, token: string, caseId: string, file: Buffer, name: string) {
  const boundary = `bench-${Math.random().toString(36).slice(2)}`;
  const head = Buffer.from(
    [
      ['recordType', 'case'],
      ['recordId', caseId],
      ['documentType', 'other'],
    ]
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
      .join('') +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return send(
    url,
    'POST',
    '/documents',
    {
      authorization: token,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + file.length + tail.length),
    },
    [head, file, tail],
  );
}

export async function documentsScenario(ctx: Ctx, t: Target, samples: Samples): Promise<DocumentsResult> {
  // A case of the first agency, through its supervisor (who sees the agency's cases in full).
  const caseId = samples.casesByAgency[0]![0]!;
  const token = await t.mint.bearer({
    id: t.meta.actors.supervisors[0]!,
    agencyId: t.meta.actors.agencies[0]!.id,
    roles: ['case_supervisor'],
  });
  const fileMb = Number(process.env.BENCH_DOC_MB ?? 20);
  const listFiles = Number(process.env.BENCH_DOC_FILES ?? 1000);
  const api = await startApi(ctx, t.db, 'documents', [], {
    DOCUMENT_MAX_PER_RECORD: String(listFiles * 10),
    DOCUMENT_MAX_BYTES: String(Math.max(20, fileMb) * MB),
  });
  try {
    const file = pdfOfSize(Math.round(fileMb * MB));
    // Full-size uploads and downloads to warm the process up (JIT, pool connections, buffers):
    // in a fresh process the first ran at about half the speed of the fourth. Then TRANSFERS of
    // each, one at a time; the median is the figure, every sample is kept (and the first one).
    let coldUploadS = 0;
    for (let i = 0; i < WARM_UPS; i++) {
      const t0 = performance.now();
      const warm = await uploadFile(api.url, token, caseId, file, `warm-${i}.pdf`);
      if (i === 0) coldUploadS = (performance.now() - t0) / 1000;
      if (warm.status !== 201) throw new Error(`warm-up upload: ${warm.status} ${warm.text}`);
      const warmId = (JSON.parse(warm.text) as { id: string }).id;
      const warmDown = await send(api.url, 'GET', `/documents/${warmId}/content`, { authorization: token });
      if (warmDown.status !== 200) throw new Error(`warm-up download: ${warmDown.status}`);
    }
    const uploadSamples: number[] = [];
    const downloadSamples: number[] = [];
    for (let i = 0; i < TRANSFERS; i++) {
      let t0 = performance.now();
      const up = await uploadFile(api.url, token, caseId, file, `big-${i}.pdf`);
      const uploadS = (performance.now() - t0) / 1000;
      if (up.status !== 201) throw new Error(`upload: ${up.status} ${up.text}`);
      const id = (JSON.parse(up.text) as { id: string }).id;
      t0 = performance.now();
      const down = await send(api.url, 'GET', `/documents/${id}/content`, { authorization: token });
      const downloadS = (performance.now() - t0) / 1000;
      if (down.status !== 200 || down.bytes !== file.length) throw new Error(`download: ${down.status} ${down.bytes}`);
      uploadSamples.push(round(fileMb / uploadS));
      downloadSamples.push(round(fileMb / downloadS));
    }
    const uploadMBps = median(uploadSamples);
    const downloadMBps = median(downloadSamples);
    log(
      `  documents: ${fileMb} MB up ${uploadMBps} MB/s, down ${downloadMBps} MB/s (medians of ${TRANSFERS}: up ` +
        `${uploadSamples.join(', ')}; down ${downloadSamples.join(', ')}; first upload of the process ${round(fileMb / coldUploadS)} MB/s)`,
    );

    // Eight at once: the growth of the API's resident memory over its level before them.
    const settled = rssOf(api.pid) ?? 0;
    const sampler = rssSampler(api.pid, 10);
    const many = await Promise.all(
      Array.from({ length: 8 }, (_, i) => uploadFile(api.url, token, caseId, file, `parallel-${i}.pdf`)),
    );
    const rss = sampler.stop();
    if (many.some((r) => r.status !== 201)) throw new Error(`concurrent uploads: ${many.map((r) => r.status)}`);
    const growthMb = (rss.peak - settled) / MB;
    log(`  documents: 8 concurrent uploads, RSS growth ${round(growthMb)} MB`);

    // Fill the case up to `listFiles` documents (small files, 8 at a time), then list. A reused
    // data folder already holds an earlier run's files: count them first.
    let held = 0;
    for (let cursor: string | null = null; ;) {
      const query = `/documents?caseId=${caseId}&limit=100${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await send(api.url, 'GET', query, { authorization: token });
      if (page.status !== 200) throw new Error(`counting the case's files: ${page.status}`);
      const body = JSON.parse(page.text) as { items: unknown[]; nextCursor: string | null };
      held += body.items.length;
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    const small = pdfOfSize(2048);
    for (let have = held; have < listFiles; have += 8) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(8, listFiles - have) }, (_, i) =>
          uploadFile(api.url, token, caseId, small, `small-${have + i}.pdf`),
        ),
      );
      if (batch.some((r) => r.status !== 201)) throw new Error(`filling the case: ${batch.map((r) => r.status)}`);
    }
    const latencies: number[] = [];
    const requests = Math.max(50, Math.min(500, listFiles));
    for (let i = 0; i < requests; i++) {
      const s = performance.now();
      const list = await send(api.url, 'GET', `/documents?caseId=${caseId}&limit=50`, { authorization: token });
      latencies.push(performance.now() - s);
      if (list.status !== 200) throw new Error(`list: ${list.status} ${list.text}`);
    }
    latencies.sort((a, b) => a - b);
    const result: DocumentsResult = {
      fileMb,
      uploadMBps,
      downloadMBps,
      uploadSamplesMBps: uploadSamples,
      downloadSamplesMBps: downloadSamples,
      coldUploadMBps: round(fileMb / coldUploadS),
      concurrentUploads: 8,
      concurrentRssGrowthMb: round(growthMb),
      listFiles,
      listP95Ms: round(percentile(latencies, 95), 2),
      listP50Ms: round(percentile(latencies, 50), 2),
      listRequests: requests,
      targets: { uploadMBps: 30, downloadMBps: 30, rssGrowthMb: 64, listP95Ms: 50 },
    };
    log(`  documents: list of ${listFiles} files, p95 ${result.listP95Ms} ms`);
    return result;
  } finally {
    await api.stop(30_000);
  }
}
