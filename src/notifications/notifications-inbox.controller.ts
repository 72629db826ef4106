import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import { IdParam } from '../common/http/params.js';
import {
  NotificationListQuery,
  NotificationPage,
  NotificationResponse,
  NotificationStreamQuery,
  ReadAllResponse,
} from './dto/notification.dto.js';
import { NotificationStream } from './notification-stream.js';
import { NotificationsService } from './notifications.service.js';

@Controller('me/notifications')
export class NotificationsController {
  constructor(
    @Inject(NotificationsService) private readonly notifications: NotificationsService,
    @Inject(NotificationStream) private readonly stream: NotificationStream,
  ) {}

  @Get()
  @Authorize(Permission.AuthSelf)
  @ApiOperation({
    operationId: 'listMyNotifications',
    summary: 'Your notifications, newest first (cursor pagination; unread=true for the unread ones)',
  })
  @ApiOkResponse({ type: NotificationPage })
  list(@CurrentActor() actor: Actor, @Query() q: NotificationListQuery): Promise<NotificationPage> {
    return this.notifications.list(actor, q);
  }

  @Get('stream')
  @Authorize(Permission.AuthSelf)
  @ApiOperation({
    operationId: 'streamMyNotifications',
    summary: 'Live stream of your new notifications (Server-Sent Events)',
    description:
      'Each notification is an `event: notification` whose `id` is the notification id and whose `data` is the ' +
      'notification as GET /me/notifications returns it; comments (`: heartbeat`) keep the connection open. Send ' +
      'Last-Event-ID (or `after`) on reconnect to receive what you missed. The stream ends with `event: close` when ' +
      'your access token expires or the server shuts down: reconnect with a fresh token.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'text/event-stream of `notification` events' })
  openStream(
    @CurrentActor() actor: Actor,
    @Query() q: NotificationStreamQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.stream.open(actor, q.after, req, res);
  }

  @Post('read-all')
  @HttpCode(200)
  @Authorize(Permission.AuthSelf)
  @ApiOperation({ operationId: 'markAllNotificationsRead', summary: 'Mark all your notifications read' })
  @ApiOkResponse({ type: ReadAllResponse })
  readAll(@CurrentActor() actor: Actor): Promise<ReadAllResponse> {
    return this.notifications.markAllRead(actor);
  }

  @Post(':id/read')
  @HttpCode(200)
  @Authorize(Permission.AuthSelf)
  @ApiOperation({
    operationId: 'markNotificationRead',
    summary: 'Mark one of your notifications read (404 for anyone else’s)',
  })
  @ApiOkResponse({ type: NotificationResponse })
  read(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<NotificationResponse> {
    return this.notifications.markRead(actor, id);
  }
}
