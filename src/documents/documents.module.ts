import { Module } from '@nestjs/common';
import { acceptMultipart } from '../common/http/content-type.js';
import { RetentionErasersModule } from '../data-protection/retention-erasers.module.js';
import { DocumentErasers } from './document-erasers.js';
import { DOCUMENT_CONTENT_STORE, PostgresContentStore } from './document-store.js';
import { DocumentsController } from './documents.controller.js';
import { DocumentsService } from './documents.service.js';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
// The two upload routes stream their multipart bodies themselves; every other route stays JSON-only.
acceptMultipart('POST', /^\/documents\/?$/);
acceptMultipart('POST', new RegExp(`^/documents/${UUID}/versions/?$`));

/** Documents and photos attached to records, encrypted, shared only where consent and purpose allow. */
@Module({
  imports: [RetentionErasersModule],
  controllers: [DocumentsController],
  providers: [DocumentsService, DocumentErasers, { provide: DOCUMENT_CONTENT_STORE, useClass: PostgresContentStore }],
  exports: [DocumentsService],
})
export class DocumentsModule {}
