import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import { IdParam } from '../common/http/params.js';
import {
  CreatedWebhookResponse,
  CreateWebhookRequest,
  DeliveriesQuery,
  DeliveryParams,
  DeliveryResponse,
  UpdateWebhookRequest,
  WebhookResponse,
} from './dto/webhook.dto.js';
import { WebhooksService } from './webhooks.service.js';

@Controller('webhooks')
export class WebhooksController {
  constructor(@Inject(WebhooksService) private readonly webhooks: WebhooksService) {}

  @Post()
  @Authorize(Permission.WebhookManage)
  @ApiOperation({
    operationId: 'createWebhookSubscription',
    summary: 'Subscribe a partner https endpoint to event types (the signing secret is shown once)',
  })
  @ApiCreatedResponse({ type: CreatedWebhookResponse })
  create(@CurrentActor() actor: Actor, @Body() body: CreateWebhookRequest): Promise<CreatedWebhookResponse> {
    return this.webhooks.create(actor, body);
  }

  @Get()
  @Authorize(Permission.WebhookManage)
  @ApiOperation({ operationId: 'listWebhookSubscriptions', summary: "The agency's webhook subscriptions" })
  @ApiOkResponse({ type: [WebhookResponse] })
  list(@CurrentActor() actor: Actor): Promise<WebhookResponse[]> {
    return this.webhooks.list(actor);
  }

  @Get(':id')
  @Authorize(Permission.WebhookManage)
  @ApiOperation({ operationId: 'getWebhookSubscription', summary: 'One webhook subscription' })
  @ApiOkResponse({ type: WebhookResponse })
  get(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<WebhookResponse> {
    return this.webhooks.get(actor, id);
  }

  @Patch(':id')
  @Authorize(Permission.WebhookManage)
  @ApiOperation({
    operationId: 'updateWebhookSubscription',
    summary: 'Change the endpoint, the event types, or pause (active: false)',
  })
  @ApiOkResponse({ type: WebhookResponse })
  update(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: UpdateWebhookRequest,
  ): Promise<WebhookResponse> {
    return this.webhooks.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize(Permission.WebhookManage)
  @ApiOperation({ operationId: 'deleteWebhookSubscription', summary: 'Remove a subscription and its delivery log' })
  @ApiNoContentResponse()
  remove(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<void> {
    return this.webhooks.remove(actor, id);
  }

  @Get(':id/deliveries')
  @Authorize(Permission.WebhookManage)
  @ApiOperation({
    operationId: 'listWebhookDeliveries',
    summary: 'Delivery log, newest first (status=dead: the dead-letter list)',
  })
  @ApiOkResponse({ type: [DeliveryResponse] })
  deliveries(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Query() query: DeliveriesQuery,
  ): Promise<DeliveryResponse[]> {
    return this.webhooks.deliveries(actor, id, query);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(200)
  @Authorize(Permission.WebhookManage)
  @ApiOperation({
    operationId: 'redeliverWebhookDelivery',
    summary: 'Send a delivery again (e.g. a dead letter), with a fresh retry window',
  })
  @ApiOkResponse({ type: DeliveryResponse })
  redeliver(@CurrentActor() actor: Actor, @Param() { id, deliveryId }: DeliveryParams): Promise<DeliveryResponse> {
    return this.webhooks.redeliver(actor, id, deliveryId);
  }
}
