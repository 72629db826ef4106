import { ApiProperty } from '@nestjs/swagger';

export class HealthResponse {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: ['ok', 'failing'] },
    example: { database: 'ok', migrations: 'ok' },
  })
  checks!: Record<string, 'ok' | 'failing'>;
}
