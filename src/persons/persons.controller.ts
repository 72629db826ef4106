import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import { IfMatchVersion } from '../common/http/etag.js';
import { IdParam } from '../common/http/params.js';
import {
  CreatePersonRequest,
  MatchCandidate,
  MatchRequest,
  MergeRequest,
  PersonResponse,
  UpdatePersonRequest,
} from './dto/person.dto.js';
import { PersonsService } from './persons.service.js';

@Controller('persons')
export class PersonsController {
  constructor(@Inject(PersonsService) private readonly persons: PersonsService) {}

  @Post()
  @Authorize(Permission.PersonCreate)
  @ApiOperation({
    operationId: 'createPerson',
    summary: 'Register a person (identity encrypted)',
    description:
      'A strong match with a person you can see answers 409 POSSIBLE_DUPLICATE with the candidates, unless confirmNotDuplicate is true.',
  })
  @ApiCreatedResponse({ type: PersonResponse })
  @ApiConflictResponse({ description: 'POSSIBLE_DUPLICATE' })
  create(@CurrentActor() actor: Actor, @Body() body: CreatePersonRequest): Promise<PersonResponse> {
    return this.persons.create(actor, body);
  }

  @Post('matches')
  @HttpCode(200)
  @Authorize(Permission.PersonRead)
  @ApiOperation({
    operationId: 'findPersonMatches',
    summary: 'Find likely matches among the persons you may see',
    description: 'Blind indexes only (no decryption of the table); names meet across Lao script and romanisations.',
  })
  @ApiOkResponse({ type: [MatchCandidate] })
  matches(@CurrentActor() actor: Actor, @Body() body: MatchRequest): Promise<MatchCandidate[]> {
    return this.persons.matches(actor, body);
  }

  @Get(':id')
  @Authorize(Permission.PersonRead)
  @ApiOperation({ operationId: 'getPerson' })
  @ApiOkResponse({ type: PersonResponse })
  get(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<PersonResponse> {
    return this.persons.get(actor, id);
  }

  @Patch(':id')
  @Authorize(Permission.PersonUpdate)
  @ApiOperation({ operationId: 'updatePerson' })
  @ApiOkResponse({ type: PersonResponse })
  update(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @IfMatchVersion() version: number,
    @Body() body: UpdatePersonRequest,
  ): Promise<PersonResponse> {
    return this.persons.update(actor, id, version, body);
  }

  @Post(':id/merge')
  @HttpCode(200)
  @Authorize(Permission.PersonMerge)
  @ApiOperation({ operationId: 'mergePerson', summary: 'Mark this record a duplicate of another (reversible)' })
  @ApiOkResponse({ type: PersonResponse })
  merge(@CurrentActor() actor: Actor, @Param() { id }: IdParam, @Body() body: MergeRequest): Promise<PersonResponse> {
    return this.persons.merge(actor, id, body.intoPersonId);
  }

  @Post(':id/unmerge')
  @HttpCode(200)
  @Authorize(Permission.PersonMerge)
  @ApiOperation({ operationId: 'unmergePerson', summary: 'Undo a merge' })
  @ApiOkResponse({ type: PersonResponse })
  unmerge(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<PersonResponse> {
    return this.persons.unmerge(actor, id);
  }
}
