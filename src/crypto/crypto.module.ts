import { Global, Module } from '@nestjs/common';
import { KEY_MATERIAL, type KeyMaterial } from '../config/key-material.js';
import { BlindIndexer, FieldCipher } from './field-cipher.js';

@Global()
@Module({
  providers: [
    {
      provide: FieldCipher,
      inject: [KEY_MATERIAL],
      useFactory: (keys: KeyMaterial) => new FieldCipher(keys.encryption),
    },
    {
      provide: BlindIndexer,
      inject: [KEY_MATERIAL],
      useFactory: (keys: KeyMaterial) => new BlindIndexer(keys.blindIndexKey),
    },
  ],
  exports: [FieldCipher, BlindIndexer],
})
export class CryptoModule {}
