import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError, notFound } from '../common/errors/domain-error.js';
import { createValidationPipe } from '../common/http/validation.js';
import { uuidv7 } from '../common/uuid.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { FieldCipher } from '../crypto/field-cipher.js';
import { TransactionService } from '../database/transaction.service.js';
import { DomainEvents } from '../events/domain-events.service.js';
import { ContentKey, CHUNK_BYTES, inChunks } from './content-cipher.js';
import { inspectContent } from './content-inspection.js';
import { DOCUMENT_CONTENT_STORE, type DocumentContentStore } from './document-store.js';
import {
  consentCoversSharing,
  countActiveDocuments,
  deleteShare,
  type DocumentRow,
  findCaseOfRecord,
  findDecisionPlace,
  findDocument,
  findReferralForSharing,
  findReturnNoticeOfAgency,
  findScreeningPlace,
  findVersion,
  insertDocument,
  insertShare,
  insertVersion,
  isConsentWithdrawn,
  isVisibleToReferralReceiver,
  listDocuments,
  listShares,
  listVersions,
  markRemoved,
  setCurrentVersion,
  setDescription,
  setVersionSize,
  type VersionRow,
} from './documents.queries.js';
import {
  AddDocumentFields,
  AddDocumentVersionFields,
  type DocumentContentQuery,
  type DocumentDetailResponse,
  type DocumentListQuery,
  type DocumentPage,
  type DocumentResponse,
  type DocumentVersionResponse,
  type MarkDocumentForReferral,
  type RecordType,
  type RemoveDocument,
} from './dto/document.dto.js';
import { attachmentDisposition, cleanFileName } from './file-names.js';
import { receiveFile, type ReceivedFile } from '../common/http/multipart-upload.js';

/** Where a record sits: the ids a document on it carries, for access rules and lists. */
interface Place {
  caseId: string | null;
  personId: string | null;
  screeningId: string | null;
  consentId: string | null;
}

const NO_PLACE: Place = { caseId: null, personId: null, screeningId: null, consentId: null };
const CASE_BOUND: ReadonlySet<string> = new Set(['case', 'consent', 'referral', 'placement']);

const descriptionCtx = (id: string) => ({ table: 'document', column: 'description_enc', id });
const reasonCtx = (id: string) => ({ table: 'document', column: 'removal_reason_enc', id });
const nameCtx = (versionId: string) => ({ table: 'document_version', column: 'name_enc', id: versionId });

/** Downloads never render: no sniffing, no scripts, no frames, a sandbox if opened anyway. */
const DOWNLOAD_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

/** Resolves when a response can take more, rejects if it closes first (the client went away). */
function drained(res: Response): Promise<void> {
  if (res.destroyed || res.writableEnded) return Promise.reject(new Error('the client closed the download'));
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('the client closed the download'));
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/**
 * Documents and photos attached to a case or one of its records (and to persons, screenings,
 * identification decisions, return notices). A file follows the access rules of its record: a
 * record the actor may not see answers 404, and so do its files. An agency that sees a case only
 * through a referral sees the files it added itself and those the referring agency marked for that
 * referral, while the person's consent covers the sharing. Content is encrypted per version under
 * its own data key (content-cipher.ts) and stored through one interface (document-store.ts).
 */
@Injectable()
export class DocumentsService {
  private readonly pipe = createValidationPipe();

  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
    @Inject(DomainEvents) private readonly events: DomainEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DOCUMENT_CONTENT_STORE) private readonly store: DocumentContentStore,
  ) {}

  private m(): EntityManager {
    return this.tx.manager();
  }

  async add(actor: Actor, req: Request, res: Response): Promise<DocumentDetailResponse> {
    const m = this.m();
    const upload = await this.receive(req, res, ['recordType', 'recordId', 'documentType']);
    try {
      const fields = (await this.pipe.transform(upload.fields, {
        type: 'body',
        metatype: AddDocumentFields,
        data: '',
      })) as AddDocumentFields;
      const place = await this.placeForWrite(actor, fields.recordType, fields.recordId);
      this.audit.touch('document', [], place.caseId ? [place.caseId] : []);
      const limit = this.config.documents.maxPerRecord;
      if ((await countActiveDocuments(m, fields.recordType, fields.recordId)) >= limit)
        throw new DomainError('DOCUMENT_LIMIT_REACHED', `A record holds at most ${limit} documents`, {
          extensions: { limit },
        });
      const id = uuidv7();
      const version = await this.storeVersion(m, actor, upload, id, 1, async () =>
        insertDocument(m, {
          id,
          agency_id: actor.agencyId,
          record_type: fields.recordType,
          record_id: fields.recordId,
          case_id: place.caseId,
          person_id: place.personId,
          screening_id: place.screeningId,
          consent_id: place.consentId,
          document_type: fields.documentType,
          // Empty is none: a form sends the field even when it was left blank.
          description_enc: this.cipher.encryptOptional(fields.description || null, descriptionCtx(id)),
          current_version: 1,
          created_by: actor.userId,
        }),
      );
      await this.audit.change(
        'create',
        'document',
        id,
        [
          { field: 'recordType', personal: false, new: fields.recordType },
          { field: 'recordId', personal: false, new: fields.recordId },
          { field: 'documentType', personal: false, new: fields.documentType },
          { field: 'contentType', personal: false, new: version.contentType },
          { field: 'sizeBytes', personal: false, new: version.sizeBytes },
          { field: 'fileName', personal: true },
          ...(fields.description ? [{ field: 'description', personal: true }] : []),
        ],
        place.caseId,
      );
      await this.recordEvent('document.attached', actor, await this.mustFind(m, id), version.versionNo);
      return this.detail(actor, id);
    } catch (err) {
      upload.abandon();
      throw err;
    }
  }

  async addVersion(actor: Actor, id: string, req: Request, res: Response): Promise<DocumentDetailResponse> {
    const m = this.m();
    const upload = await this.receive(req, res);
    try {
      const fields = (await this.pipe.transform(upload.fields, {
        type: 'body',
        metatype: AddDocumentVersionFields,
        data: '',
      })) as AddDocumentVersionFields;
      const d = await this.writable(actor, id, true);
      const versionNo = d.current_version + 1;
      const version = await this.storeVersion(m, actor, upload, id, versionNo);
      await setCurrentVersion(m, id, versionNo, actor.userId);
      // Left empty: the current description stays.
      if (fields.description)
        await setDescription(m, id, this.cipher.encryptOptional(fields.description, descriptionCtx(id)));
      await this.audit.change(
        'update',
        'document',
        id,
        [
          { field: 'version', personal: false, old: d.current_version, new: versionNo },
          { field: 'contentType', personal: false, new: version.contentType },
          { field: 'sizeBytes', personal: false, new: version.sizeBytes },
          { field: 'fileName', personal: true },
          ...(fields.description ? [{ field: 'description', personal: true }] : []),
        ],
        d.case_id,
      );
      await this.recordEvent('document.attached', actor, d, versionNo);
      return this.detail(actor, id);
    } catch (err) {
      upload.abandon();
      throw err;
    }
  }

  async list(actor: Actor, q: DocumentListQuery): Promise<DocumentPage> {
    const m = this.m();
    let scope: { caseId: string } | { recordType: string; recordId: string };
    let limitedTo: string | null;
    if (q.caseId && !q.recordType && !q.recordId) {
      const view = await this.access.requireCase(actor, q.caseId, 'limited');
      scope = { caseId: q.caseId };
      limitedTo = view === 'full' ? null : actor.agencyId;
    } else if (!q.caseId && q.recordType && q.recordId) {
      const { view } = await this.placeForRead(actor, q.recordType, q.recordId);
      scope = { recordType: q.recordType, recordId: q.recordId };
      limitedTo = view === 'full' ? null : actor.agencyId;
    } else {
      throw new DomainError('VALIDATION_FAILED', 'Name a case, or a record type and id', {
        errors: [{ field: 'caseId', messages: ['send caseId, or recordType with recordId'] }],
      });
    }
    const limit = q.limit ?? 50;
    const rows = await listDocuments(m, scope, limitedTo, q.cursor ?? null, limit + 1);
    const page = rows.slice(0, limit);
    this.audit.touch(
      'document',
      page.map((r) => r.id),
      [...new Set(page.map((r) => r.case_id).filter((c): c is string => c !== null))],
    );
    return {
      items: page.map((r) =>
        this.toResponse(r, {
          id: r.version_id,
          version_no: r.current_version,
          content_type: r.content_type,
          size_bytes: r.size_bytes,
          name_enc: r.name_enc,
          metadata_removed: r.metadata_removed,
          created_by: r.updated_by,
          created_at: r.updated_at,
        }),
      ),
      nextCursor: rows.length > limit ? page.at(-1)!.id : null,
    };
  }

  async get(actor: Actor, id: string): Promise<DocumentDetailResponse> {
    await this.readable(actor, id);
    return this.detail(actor, id);
  }

  /** Streams the plaintext of a version, chunk by chunk (each authenticated before it is sent). */
  async download(actor: Actor, id: string, q: DocumentContentQuery, res: Response): Promise<void> {
    const m = this.m();
    const d = await this.readable(actor, id);
    // A removed document's file is not served; an erased one's is gone (its metadata says when: erasedAt).
    if (d.status !== 'active' || d.retention_erased_at) throw notFound('Document');
    const v = await findVersion(m, id, q.version ?? d.current_version);
    if (!v) throw notFound('Document version');
    this.audit.touch('document', [id], d.case_id ? [d.case_id] : []);
    this.audit.noteDetails({ documentVersion: v.version_no });
    const key = ContentKey.unwrap(this.cipher, v.id, v.data_key_enc);
    const fileName = this.cipher.decrypt(v.name_enc, nameCtx(v.id));
    res.status(200);
    res.setHeader('content-type', v.content_type);
    res.setHeader('content-length', String(v.size_bytes));
    res.setHeader('content-disposition', attachmentDisposition(fileName));
    for (const [name, value] of Object.entries(DOWNLOAD_HEADERS)) res.setHeader(name, value);
    let last: Buffer | undefined;
    let expected = 0;
    // One read of every chunk in order (the store streams them); each is authenticated and
    // written as it arrives, and the store reads no further while the client is behind.
    try {
      const count = await this.store.read(m, v.id, (index, sealed) => {
        if (index !== expected || index >= v.chunk_count) throw new Error('a stored chunk is missing');
        expected++;
        const plain = key.open(index, index === v.chunk_count - 1, sealed);
        if (index === v.chunk_count - 1) last = plain;
        else if (!res.write(plain)) return drained(res);
      });
      if (count !== v.chunk_count || expected !== v.chunk_count) throw new Error('a stored chunk is missing');
    } catch (err) {
      if (!res.headersSent) {
        // Nothing sent yet: the failure gets the usual problem answer, not a file's headers.
        for (const name of ['content-type', 'content-length', 'content-disposition']) res.removeHeader(name);
        throw err;
      }
      // Headers are gone: the client sees a short body (Content-Length), never wrong bytes.
      res.destroy();
      throw err;
    }
    // The last bytes leave once the access entry naming this download has committed.
    this.tx.afterTransaction((committed) => (committed ? res.end(last) : res.destroy()));
  }

  async remove(actor: Actor, id: string, body: RemoveDocument): Promise<DocumentDetailResponse> {
    const m = this.m();
    const d = await this.writable(actor, id, false);
    await markRemoved(m, id, actor.userId, this.cipher.encrypt(body.reason, reasonCtx(id)));
    await this.audit.change(
      'remove',
      'document',
      id,
      [
        { field: 'status', personal: false, old: 'active', new: 'removed' },
        { field: 'reason', personal: true },
      ],
      d.case_id,
    );
    await this.recordEvent('document.removed', actor, d, d.current_version);
    return this.detail(actor, id);
  }

  async markForReferral(actor: Actor, id: string, body: MarkDocumentForReferral): Promise<DocumentDetailResponse> {
    const m = this.m();
    const d = await this.writable(actor, id, false);
    const referral = await findReferralForSharing(m, body.referralId);
    if (!referral || referral.case_id !== d.case_id || referral.from_agency_id !== actor.agencyId)
      throw notFound('Referral');
    if (!['pending', 'accepted'].includes(referral.status))
      throw new DomainError('CONFLICT', 'Only an open referral (pending or accepted) can receive files', {
        extensions: { referralStatus: referral.status },
      });
    if (!(await consentCoversSharing(m, referral.case_id, referral.to_agency_id)))
      throw new DomainError('CONSENT_REQUIRED', "The person's consent does not cover sharing with this agency", {
        errors: [{ field: 'referralId', messages: ['record a consent covering the receiving agency first'] }],
      });
    if (d.consent_id && (await isConsentWithdrawn(m, d.consent_id)))
      throw new DomainError('CONSENT_REQUIRED', 'The consent version this file belongs to was withdrawn');
    await insertShare(m, id, body.referralId, actor.userId);
    await this.audit.change(
      'share',
      'document',
      id,
      [{ field: 'referralId', personal: false, new: body.referralId }],
      d.case_id,
    );
    return this.detail(actor, id);
  }

  async unmarkForReferral(actor: Actor, id: string, referralId: string): Promise<DocumentDetailResponse> {
    const d = await this.writable(actor, id, false);
    if (!(await deleteShare(this.m(), id, referralId))) throw notFound('Referral');
    await this.audit.change(
      'unshare',
      'document',
      id,
      [{ field: 'referralId', personal: false, old: referralId }],
      d.case_id,
    );
    return this.detail(actor, id);
  }

  // --- Access -----------------------------------------------------------------------------------

  /**
   * The record a new document goes to, if the actor may add to it: in full view, or as the agency
   * working a referral or placement of a case it sees through the referral. Otherwise 404.
   */
  private async placeForWrite(actor: Actor, type: RecordType, id: string): Promise<Place> {
    const { place, view, party } = await this.placeForRead(actor, type, id);
    if (view !== 'full' && !party) throw notFound('Record');
    // A file added to a record of a restricted case or person (through a referral, a placement, a consent too): 423.
    await this.access.requireUnrestricted({ caseIds: [place.caseId], personIds: [place.personId] });
    return place;
  }

  private async placeForRead(
    actor: Actor,
    type: RecordType,
    id: string,
  ): Promise<{ place: Place; view: 'full' | 'limited'; party: boolean }> {
    const m = this.m();
    switch (type) {
      case 'case': {
        const view = await this.access.requireCase(actor, id, 'limited');
        return { place: { ...NO_PLACE, caseId: id }, view, party: false };
      }
      case 'consent':
      case 'referral':
      case 'placement': {
        const row = await findCaseOfRecord(m, type === 'consent' ? 'case_consent' : type, id);
        if (!row) throw notFound('Record');
        const view = (await this.access.caseViews(actor, [row.case_id])).get(row.case_id);
        if (!view) throw notFound('Record');
        return {
          place: { ...NO_PLACE, caseId: row.case_id, consentId: type === 'consent' ? id : null },
          view,
          party: row.party_agency_id === actor.agencyId,
        };
      }
      case 'screening':
      case 'identification_decision': {
        const row = type === 'screening' ? await findScreeningPlace(m, id) : await findDecisionPlace(m, id);
        if (!row?.screening_id) throw notFound('Record');
        await this.access.requireScreening(actor, row.screening_id);
        return {
          place: { ...NO_PLACE, caseId: row.case_id, screeningId: row.screening_id },
          view: 'full',
          party: false,
        };
      }
      case 'person': {
        const view = await this.access.requirePerson(actor, id, 'limited');
        return { place: { ...NO_PLACE, personId: id }, view, party: false };
      }
      case 'return_notice': {
        if (!(await findReturnNoticeOfAgency(m, id, actor.agencyId))) throw notFound('Record');
        return { place: NO_PLACE, view: 'full', party: false };
      }
    }
  }

  /** A document the actor may see (its record's rules; the referral rule in the limited view); else 404. */
  private async readable(actor: Actor, id: string, forUpdate = false): Promise<DocumentRow & { view: string }> {
    const m = this.m();
    const d = await findDocument(m, id, forUpdate);
    if (!d) throw notFound('Document');
    let view: 'full' | 'limited' | undefined;
    if (CASE_BOUND.has(d.record_type)) view = (await this.access.caseViews(actor, [d.case_id!])).get(d.case_id!);
    else if (d.record_type === 'person')
      view = (await this.access.personViews(actor, [d.person_id!])).get(d.person_id!);
    else if (d.screening_id) {
      await this.access.requireScreening(actor, d.screening_id).catch((e: unknown) => {
        throw e instanceof DomainError && e.code === 'RECORD_RESTRICTED' ? e : notFound('Document');
      });
      view = 'full';
    } else if (d.record_type === 'return_notice')
      view = (await findReturnNoticeOfAgency(m, d.record_id, actor.agencyId)) ? 'full' : undefined;
    if (!view) throw notFound('Document');
    if (
      view === 'limited' &&
      d.agency_id !== actor.agencyId &&
      !(await isVisibleToReferralReceiver(m, id, actor.agencyId))
    )
      throw notFound('Document');
    this.audit.touch('document', [id], d.case_id ? [d.case_id] : []);
    return { ...d, view };
  }

  /**
   * A document the actor may change: seen in full, or added by the actor's agency (a referral
   * receiver's own files). Replacement also needs it active; removal and sharing need full view.
   */
  private async writable(actor: Actor, id: string, replace: boolean): Promise<DocumentRow> {
    const d = await this.readable(actor, id, true);
    if (d.view !== 'full' && !(replace && d.agency_id === actor.agencyId)) throw notFound('Document');
    await this.access.requireUnrestricted({ caseIds: [d.case_id], personIds: [d.person_id] });
    if (d.status !== 'active')
      throw new DomainError('CONFLICT', 'The document was removed', { extensions: { status: d.status } });
    if (d.retention_erased_at)
      throw new DomainError('CONFLICT', 'The document was erased by retention', {
        extensions: { erasedAt: d.retention_erased_at.toISOString() },
      });
    return d;
  }

  // --- Content ----------------------------------------------------------------------------------

  private receive(req: Request, res: Response, fieldsBeforeFile: string[] = []): Promise<ReceivedFile> {
    return receiveFile(req, res, {
      maxFileBytes: this.config.documents.maxBytes,
      idleTimeoutMs: this.config.documents.uploadIdleTimeoutMs,
      fieldsBeforeFile,
    });
  }

  /**
   * Decides the type from the content, removes image metadata, encrypts and stores the content in
   * chunks as it arrives, and records the version. `before` runs once the type is known (the
   * document row of a new document). Everything rides the request's transaction: a refused,
   * aborted or malformed upload rolls back and leaves nothing.
   */
  private async storeVersion(
    m: EntityManager,
    actor: Actor,
    upload: ReceivedFile,
    documentId: string,
    versionNo: number,
    before?: () => Promise<void>,
  ): Promise<{ versionNo: number; contentType: string; sizeBytes: number }> {
    const inspected = await inspectContent(upload.content);
    await before?.();
    const versionId = uuidv7();
    const key = ContentKey.generate(versionId);
    await insertVersion(m, {
      id: versionId,
      document_id: documentId,
      version_no: versionNo,
      content_type: inspected.contentType,
      size_bytes: '0',
      chunk_size: CHUNK_BYTES,
      chunk_count: 0,
      name_enc: this.cipher.encrypt(cleanFileName(upload.clientName, inspected.contentType), nameCtx(versionId)),
      data_key_enc: key.wrap(this.cipher),
      metadata_removed: false,
      created_by: actor.userId,
    });
    // Sealed chunks go to the store as they are made; the store's writer says when it has room,
    // so reading from the client waits while the store is behind (memory stays bounded).
    let index = 0;
    let size = 0;
    const writer = await this.store.writer(m, versionId);
    try {
      for await (const { data, last } of inChunks(inspected.body)) {
        await writer.write(key.seal(index, last, data));
        index++;
        size += data.length;
      }
      await writer.end();
    } catch (err) {
      // The statements in flight end before the transaction rolls back on this connection.
      await writer.abort();
      throw err;
    }
    // The whole form must have arrived intact, not only the file's bytes.
    await upload.finished;
    await setVersionSize(m, versionId, size, index, inspected.metadataRemoved());
    return { versionNo, contentType: inspected.contentType, sizeBytes: size };
  }

  // --- Responses --------------------------------------------------------------------------------

  private async mustFind(m: EntityManager, id: string): Promise<DocumentRow> {
    const d = await findDocument(m, id);
    if (!d) throw notFound('Document');
    return d;
  }

  private async detail(actor: Actor, id: string): Promise<DocumentDetailResponse> {
    const m = this.m();
    const d = await this.readable(actor, id);
    const versions = await listVersions(m, id);
    const current = versions.find((v) => v.version_no === d.current_version)!;
    const referralIds = d.view === 'full' ? (await listShares(m, id)).map((s) => s.referral_id) : [];
    return {
      ...this.toResponse(d, current),
      versions: versions.map((v) => this.toVersionResponse(v)),
      referralIds,
    };
  }

  private toVersionResponse(
    v: Pick<VersionRow, 'id' | 'version_no' | 'content_type' | 'size_bytes' | 'name_enc' | 'metadata_removed'> &
      Pick<VersionRow, 'created_by' | 'created_at'>,
  ): DocumentVersionResponse {
    return {
      version: v.version_no,
      fileName: this.cipher.decrypt(v.name_enc, nameCtx(v.id)),
      contentType: v.content_type,
      sizeBytes: Number(v.size_bytes),
      metadataRemoved: v.metadata_removed,
      addedBy: v.created_by,
      addedAt: v.created_at.toISOString(),
    };
  }

  private toResponse(d: DocumentRow, current: Parameters<DocumentsService['toVersionResponse']>[0]): DocumentResponse {
    return {
      id: d.id,
      recordType: d.record_type,
      recordId: d.record_id,
      caseId: d.case_id,
      documentType: d.document_type,
      description: this.cipher.decryptOptional<string>(d.description_enc, descriptionCtx(d.id)),
      agencyId: d.agency_id,
      current: this.toVersionResponse(current),
      status: d.status,
      erasedAt: d.retention_erased_at?.toISOString() ?? null,
      addedBy: d.created_by,
      addedAt: d.created_at.toISOString(),
      updatedAt: d.updated_at.toISOString(),
    };
  }

  /** Ids and codes only: never a name, a description or content. */
  private async recordEvent(
    type: 'document.attached' | 'document.removed',
    actor: Actor,
    d: DocumentRow,
    version: number,
  ): Promise<void> {
    await this.events.record({
      type,
      agencyIds: [actor.agencyId],
      caseId: d.case_id,
      subjectId: d.id,
      payload: {
        documentId: d.id,
        recordType: d.record_type,
        recordId: d.record_id,
        documentType: d.document_type,
        version,
      },
    });
  }
}
