/**
 * Baseline A, the framework ceiling: one bare NestJS route on @nestjs/platform-express, in its
 * own process (no guard, no database, no logging). Benchmark-only; started by bench/run.ts.
 */
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

@Controller()
class PingController {
  @Get('ping')
  ping(): { ok: boolean; at: number } {
    return { ok: true, at: Date.now() };
  }
}

@Module({ controllers: [PingController] })
class BaselineModule {}

const app = await NestFactory.create<NestExpressApplication>(BaselineModule, { logger: false });
await app.listen(Number(process.env.PORT ?? 3900), '127.0.0.1');
const bound = app.getHttpServer().address() as { port: number };
process.stdout.write(`${JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${bound.port}` })}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
