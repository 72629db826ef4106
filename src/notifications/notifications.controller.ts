import { Body, Controller, Get, HttpCode, Inject, Post, Put } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import {
  EmailQueuedResponse,
  NotificationPreferencesResponse,
  UpdateNotificationPreferencesRequest,
} from './dto/notification-preferences.dto.js';
import { EmailOutbox } from './email/email-outbox.service.js';
import { NotificationPreferencesService } from './notification-preferences.service.js';

@Controller('me')
export class NotificationPreferencesController {
  constructor(
    @Inject(NotificationPreferencesService) private readonly preferences: NotificationPreferencesService,
    @Inject(EmailOutbox) private readonly outbox: EmailOutbox,
  ) {}

  @Get('notification-preferences')
  @Authorize(Permission.AuthSelf)
  @ApiOperation({
    operationId: 'getNotificationPreferences',
    summary: 'How you want to be told: per kind, the channels you chose, and your language',
  })
  @ApiOkResponse({ type: NotificationPreferencesResponse })
  get(@CurrentActor() actor: Actor): Promise<NotificationPreferencesResponse> {
    return this.preferences.get(actor);
  }

  @Put('notification-preferences')
  @Authorize(Permission.AuthSelf)
  @ApiOperation({
    operationId: 'updateNotificationPreferences',
    summary: 'Choose your language and, per kind, in-app, immediate e-mail and daily digest',
    description: 'Kinds not listed keep their channels.',
  })
  @ApiOkResponse({ type: NotificationPreferencesResponse })
  update(
    @CurrentActor() actor: Actor,
    @Body() body: UpdateNotificationPreferencesRequest,
  ): Promise<NotificationPreferencesResponse> {
    return this.preferences.update(actor, body);
  }

  @Post('notification-preferences/test-email')
  @HttpCode(202)
  @Authorize(Permission.AuthSelf)
  @ApiOperation({
    operationId: 'sendTestEmail',
    summary: 'Send yourself a test e-mail (in your language) to check that messages reach you',
    description: 'Queued and sent in the background; 409 EMAIL_DISABLED when no SMTP server is configured.',
  })
  @ApiAcceptedResponse({ type: EmailQueuedResponse })
  @ApiConflictResponse({ description: 'EMAIL_DISABLED' })
  testEmail(@CurrentActor() actor: Actor): Promise<EmailQueuedResponse> {
    return this.outbox.queueTestMessage(actor);
  }
}
