import { Module } from '@nestjs/common';
import { WebhookDeliveries } from './webhook-deliveries.service.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksService } from './webhooks.service.js';

@Module({ controllers: [WebhooksController], providers: [WebhooksService, WebhookDeliveries] })
export class WebhooksModule {}
