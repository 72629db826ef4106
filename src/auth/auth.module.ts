import { Global, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AccessService } from '../access/access.service.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { JwtStrategy } from './jwt.strategy.js';
import { PasswordService } from './password.service.js';
import { RateLimitService } from './rate-limit.service.js';
import { TokenService } from './token.service.js';

@Global()
@Module({
  imports: [PassportModule.register({ session: false })],
  controllers: [AuthController],
  providers: [AuthService, JwtStrategy, PasswordService, RateLimitService, TokenService, AccessService],
  exports: [AuthService, PasswordService, RateLimitService, TokenService, AccessService],
})
export class AuthModule {}
