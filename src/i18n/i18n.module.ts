import { Global, Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { listImportedMessages } from './i18n.queries.js';
import { LabelsService } from './labels.service.js';
import { isLanguage, overrideMessage } from './messages.js';
import { messageKeyOf } from './translatables.js';
import { TranslationsController } from './translations.controller.js';
import { TranslationsService } from './translations.service.js';

/** Lao throughout: labels with their verification state, the translation workflow, imported messages. */
@Global()
@Module({
  controllers: [TranslationsController],
  providers: [LabelsService, TranslationsService],
  exports: [LabelsService],
})
export class I18nModule implements OnApplicationBootstrap {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** Messages a translator imported replace the shipped catalogue's in this process too. */
  async onApplicationBootstrap(): Promise<void> {
    for (const row of await listImportedMessages(this.db)) {
      const message = messageKeyOf(row.key);
      if (message && isLanguage(row.lang)) overrideMessage(row.lang, message.namespace, message.key, row.text);
    }
  }
}
