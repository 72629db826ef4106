import { Module } from '@nestjs/common';
import { WorkListController } from './work-list.controller.js';
import { WorkListService } from './work-list.service.js';

/** GET /me/tasks: what needs the caller or their agency now, computed from current state. */
@Module({
  controllers: [WorkListController],
  providers: [WorkListService],
  exports: [WorkListService],
})
export class WorkListModule {}
