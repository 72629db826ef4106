import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Language } from './messages.js';
import { languageOf } from './request-language.js';

/** The language the request asks for (`lang` query parameter, else Accept-Language, else English). */
export const RequestLanguage = createParamDecorator((_data: unknown, ctx: ExecutionContext): Language =>
  languageOf(ctx.switchToHttp().getRequest<Request>()),
);
