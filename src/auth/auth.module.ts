import { Global, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AccessService } from '../access/access.service.js';
import { MfaController } from '../mfa/mfa.controller.js';
import { MfaService } from '../mfa/mfa.service.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { JwtStrategy } from './jwt.strategy.js';
import { PasswordService } from './password.service.js';
import { RateLimitService } from './rate-limit.service.js';
import { TokenService } from './token.service.js';

@Global()
@Module({
  imports: [PassportModule.register({ session: false })],
  controllers: [AuthController, MfaController],
  providers: [AuthService, JwtStrategy, PasswordService, RateLimitService, TokenService, AccessService, MfaService],
  exports: [AuthService, PasswordService, RateLimitService, TokenService, AccessService, MfaService],
})
export class AuthModule {}
