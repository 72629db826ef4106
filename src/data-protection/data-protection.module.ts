import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { FeatureErasers } from './feature-erasers.js';
import { LegalHoldsService } from './legal-holds.service.js';
import { LegalHoldsController, RetentionController } from './retention.controller.js';
import { RetentionErasers } from './retention-erasers.js';
import { RetentionService } from './retention.service.js';

/**
 * Data protection through a record's life (docs/data-protection.md): retention by rule with
 * legal holds. RetentionErasers is the one interface other features use: import this module
 * and register an eraser for the personal values the feature holds.
 */
@Module({
  imports: [AuthModule],
  controllers: [RetentionController, LegalHoldsController],
  providers: [RetentionErasers, FeatureErasers, RetentionService, LegalHoldsService],
  exports: [RetentionErasers],
})
export class DataProtectionModule {}
