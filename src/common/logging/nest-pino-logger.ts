import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';
import { currentRequest } from '../context/request-context.js';

/**
 * Nest's start-up narration: a "Mapped {/cases, GET} route" line per route (100+), a line per
 * module initialised. Useful when debugging routing, noise on a console that must show the one-time
 * password and the "API ready" link: debug level.
 */
const START_UP_CHATTER = new Set([
  'RouterExplorer',
  'RoutesResolver',
  'InstanceLoader',
  'NestFactory',
  'NestApplication',
]);

/** Routes Nest's own logging (and `new Logger(ctx)` in services) to pino, tagged with the request id. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  private write(
    level: 'info' | 'warn' | 'error' | 'debug' | 'trace' | 'fatal',
    message: unknown,
    params: unknown[],
  ): void {
    const context = typeof params.at(-1) === 'string' ? (params.at(-1) as string) : undefined;
    const reqId = currentRequest()?.requestId;
    if (message !== null && typeof message === 'object')
      this.pino[level](
        { context, reqId, ...(message as object) },
        (params.length > 1 ? params[0] : undefined) as string,
      );
    else this.pino[level]({ context, reqId }, String(message));
  }

  log(message: unknown, ...params: unknown[]): void {
    const context = typeof params.at(-1) === 'string' ? (params.at(-1) as string) : undefined;
    this.write(context && START_UP_CHATTER.has(context) ? 'debug' : 'info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }
}
