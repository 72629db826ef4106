import { Module } from '@nestjs/common';
import { PersonCodec } from './person.codec.js';
import { PersonsController } from './persons.controller.js';
import { PersonsService } from './persons.service.js';

@Module({
  controllers: [PersonsController],
  providers: [PersonsService, PersonCodec],
  exports: [PersonsService, PersonCodec],
})
export class PersonsModule {}
