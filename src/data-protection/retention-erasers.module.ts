import { Module } from '@nestjs/common';
import { RetentionErasers } from './retention-erasers.js';

/**
 * The one thing a feature needs from data protection to register its retention eraser: the
 * registry alone. A feature that data protection itself reads (documents, for the subject-access
 * export) imports this module rather than DataProtectionModule, so no import cycle forms.
 */
@Module({
  providers: [RetentionErasers],
  exports: [RetentionErasers],
})
export class RetentionErasersModule {}
