import { PageSize, PageCursor } from '../../common/http/page-query.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { DOCUMENT_TYPES } from '../../reference-data/data/code-lists.js';
import { ALLOWED_CONTENT_TYPES } from '../content-inspection.js';

/** The records a document can be attached to. */
export const RECORD_TYPES = [
  'case',
  'person',
  'screening',
  'consent',
  'referral',
  'placement',
  'return_notice',
  'identification_decision',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** The text fields of an upload (multipart/form-data, sent before the file part). */
export class AddDocumentFields {
  @ApiProperty({ enum: RECORD_TYPES, example: 'case' })
  @IsIn(RECORD_TYPES)
  recordType!: RecordType;

  @ApiProperty({ format: 'uuid', description: 'The id of the record the file belongs to' })
  @IsUUID('all')
  recordId!: string;

  @ApiProperty({ enum: DOCUMENT_TYPES, description: 'Code list document-type', example: 'consent_form' })
  @IsIn(DOCUMENT_TYPES)
  documentType!: string;

  @ApiPropertyOptional({ maxLength: 500, description: 'What the file is (encrypted)', example: 'Signed page 1-2' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

/** The text fields of a replacement (multipart/form-data, sent before the file part). */
export class AddDocumentVersionFields {
  @ApiPropertyOptional({ maxLength: 500, description: 'A new description (encrypted); default: unchanged' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

const FILE_PROPERTY = {
  type: 'string',
  format: 'binary',
  description: `The file: ${ALLOWED_CONTENT_TYPES.join(', ')} (decided from the content), at most 20 MB by default (DOCUMENT_MAX_BYTES)`,
};

/** Swagger schema of the upload form: the fields first, then the file (Swagger UI shows a file picker). */
export const ADD_DOCUMENT_FORM = {
  type: 'object',
  required: ['recordType', 'recordId', 'documentType', 'file'],
  properties: {
    recordType: { type: 'string', enum: [...RECORD_TYPES] },
    recordId: {
      type: 'string',
      format: 'uuid',
      description: "The record's id: for a case, its `id` from GET /cases (not the case number)",
    },
    documentType: { type: 'string', enum: [...DOCUMENT_TYPES] },
    // An empty example: Swagger UI would otherwise fill in "string" and store it as the description.
    description: {
      type: 'string',
      maxLength: 500,
      example: '',
      description: 'What the file is (encrypted); may stay empty',
    },
    file: FILE_PROPERTY,
  },
};

export const ADD_DOCUMENT_VERSION_FORM = {
  type: 'object',
  required: ['file'],
  properties: {
    description: {
      type: 'string',
      maxLength: 500,
      example: '',
      description: 'A new description (encrypted); leave empty to keep the current one',
    },
    file: FILE_PROPERTY,
  },
};

export class DocumentListQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Every document on the case and its records' })
  @IsOptional()
  @IsUUID('all')
  caseId?: string;

  @ApiPropertyOptional({ enum: RECORD_TYPES, description: 'With recordId: the documents of one record' })
  @IsOptional()
  @IsIn(RECORD_TYPES)
  recordType?: RecordType;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  recordId?: string;

  @PageSize(200, 50)
  limit?: number;

  @PageCursor('uuid', 'cursor is not one this API issued')
  cursor?: string;
}

export class DocumentContentQuery {
  @ApiPropertyOptional({ minimum: 1, description: 'A former version (default: the current one)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  version?: number;
}

export class RemoveDocument {
  @ApiProperty({ minLength: 10, maxLength: 500, example: 'Uploaded to the wrong case (belongs to another person)' })
  @IsString()
  @MinLength(10)
  @MaxLength(500)
  reason!: string;
}

export class MarkDocumentForReferral {
  @ApiProperty({ format: 'uuid', description: 'An open referral of the case, from your agency' })
  @IsUUID('all')
  referralId!: string;
}

export class DocumentShareParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'referralId must be a UUID' })
  referralId!: string;
}

export class DocumentVersionResponse {
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ example: 'consent-form.pdf', description: 'Cleaned name; never a path' }) fileName!: string;
  @ApiProperty({ enum: ALLOWED_CONTENT_TYPES }) contentType!: string;
  @ApiProperty({ example: 482133 }) sizeBytes!: number;
  @ApiProperty({
    description:
      'Whether all metadata (position, device, owner, author) was removed before storage. False when some was out of ' +
      'reach: a PDF whose objects sit in compressed object streams, a HEIC whose EXIF item could not be located',
  })
  metadataRemoved!: boolean;
  @ApiProperty({ format: 'uuid' }) addedBy!: string;
  @ApiProperty({ format: 'date-time' }) addedAt!: string;
}

export class DocumentResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: RECORD_TYPES }) recordType!: string;
  @ApiProperty({ format: 'uuid' }) recordId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) caseId!: string | null;
  @ApiProperty({ example: 'consent_form' }) documentType!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ format: 'uuid', description: 'The agency that added it' }) agencyId!: string;
  @ApiProperty({ description: 'The current version' }) current!: DocumentVersionResponse;
  @ApiProperty({ enum: ['active', 'removed'] }) status!: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description:
      'When retention erased it (docs/data-protection.md): its files are gone, file names read "[erased]", the description is null',
  })
  erasedAt!: string | null;
  @ApiProperty({ format: 'uuid' }) addedBy!: string;
  @ApiProperty({ format: 'date-time' }) addedAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class DocumentDetailResponse extends DocumentResponse {
  @ApiProperty({ type: [DocumentVersionResponse], description: 'Every version, newest first' })
  versions!: DocumentVersionResponse[];
  @ApiProperty({
    type: [String],
    description: 'Referrals the file is marked for (shown to the agencies that see the case in full)',
  })
  referralIds!: string[];
}

export class DocumentPage {
  @ApiProperty({ type: [DocumentResponse] }) items!: DocumentResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
