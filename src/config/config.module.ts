import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from './app-config.js';
import { KEY_MATERIAL, resolveKeyMaterial } from './key-material.js';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: KEY_MATERIAL, useFactory: () => resolveKeyMaterial(config) },
        Clock,
      ],
      exports: [APP_CONFIG, KEY_MATERIAL, Clock],
    };
  }
}
