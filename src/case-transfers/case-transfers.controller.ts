import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import { IfMatchVersion } from '../common/http/etag.js';
import { IdParam } from '../common/http/params.js';
import { CaseTransfersService } from './case-transfers.service.js';
import {
  AcceptCaseTransfer,
  CaseTransferListQuery,
  CaseTransferResponse,
  DeclineCaseTransfer,
  RequestCaseTransfer,
} from './dto/case-transfer.dto.js';

@ApiTags('case-transfers')
@Controller('case-transfers')
export class CaseTransfersController {
  constructor(@Inject(CaseTransfersService) private readonly transfers: CaseTransfersService) {}

  @Post()
  @Authorize(Permission.CaseTransferRequest)
  @ApiOperation({
    operationId: 'requestCaseTransfer',
    summary: 'Ask another agency to take over the lead of a case you lead (consent must cover that agency)',
  })
  @ApiCreatedResponse({ type: CaseTransferResponse })
  request(@CurrentActor() actor: Actor, @Body() body: RequestCaseTransfer): Promise<CaseTransferResponse> {
    return this.transfers.request(actor, body);
  }

  @Get()
  @Authorize(Permission.CaseTransferRead)
  @ApiOperation({
    operationId: 'listCaseTransfers',
    summary: 'Transfers to and from your agency, latest first (at most 200)',
  })
  @ApiOkResponse({ type: [CaseTransferResponse] })
  list(@CurrentActor() actor: Actor, @Query() q: CaseTransferListQuery): Promise<CaseTransferResponse[]> {
    return this.transfers.list(actor, q);
  }

  @Get(':id')
  @Authorize(Permission.CaseTransferRead)
  @ApiOperation({ operationId: 'getCaseTransfer', summary: 'One transfer your agency is party to' })
  @ApiOkResponse({ type: CaseTransferResponse })
  get(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<CaseTransferResponse> {
    return this.transfers.get(actor, id);
  }

  @Post(':id/accept')
  @HttpCode(200)
  @Authorize(Permission.CaseTransferRespond)
  @ApiOperation({
    operationId: 'acceptCaseTransfer',
    summary: 'Take over the lead: your agency leads the case from now on, the former lead loses it',
  })
  @ApiOkResponse({ type: CaseTransferResponse })
  accept(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @IfMatchVersion() version: number,
    @Body() body: AcceptCaseTransfer,
  ): Promise<CaseTransferResponse> {
    return this.transfers.accept(actor, id, version, body);
  }

  @Post(':id/decline')
  @HttpCode(200)
  @Authorize(Permission.CaseTransferRespond)
  @ApiOperation({
    operationId: 'declineCaseTransfer',
    summary: 'Decline a transfer to your agency; the lead stays where it is',
  })
  @ApiOkResponse({ type: CaseTransferResponse })
  decline(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @IfMatchVersion() version: number,
    @Body() body: DeclineCaseTransfer,
  ): Promise<CaseTransferResponse> {
    return this.transfers.decline(actor, id, version, body);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Authorize(Permission.CaseTransferRequest)
  @ApiOperation({ operationId: 'cancelCaseTransfer', summary: 'Withdraw a pending transfer your agency asked for' })
  @ApiOkResponse({ type: CaseTransferResponse })
  cancel(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @IfMatchVersion() version: number,
  ): Promise<CaseTransferResponse> {
    return this.transfers.cancel(actor, id, version);
  }
}
