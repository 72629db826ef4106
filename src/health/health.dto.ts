import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class StandbyHealthResponse {
  @ApiProperty({ enum: ['streaming', 'lagging', 'down', 'not-a-standby', 'unchecked'], example: 'streaming' })
  status!: 'streaming' | 'lagging' | 'down' | 'not-a-standby' | 'unchecked';

  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 0,
    description: 'Replication lag at the last check, in ms (0: it had replayed all the primary had written)',
  })
  lagMs!: number | null;

  @ApiProperty({ type: 'integer', example: 10000, description: 'DATABASE_REPLICA_MAX_LAG_MS' })
  maxLagMs!: number;

  @ApiProperty({ description: 'Whether lag-tolerant reads go to the standby now', example: true })
  servingReads!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-12-02T12:00:00.000Z' })
  checkedAt!: string | null;
}

export class HealthResponse {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: ['ok', 'failing'] },
    example: { database: 'ok', migrations: 'ok' },
  })
  checks!: Record<string, 'ok' | 'failing'>;

  @ApiPropertyOptional({
    type: () => StandbyHealthResponse,
    description:
      'The streaming standby, when DATABASE_REPLICA_URL is set (readiness only). Never makes the API unready: ' +
      'while it does not serve, lag-tolerant reads go to the primary.',
  })
  replica?: StandbyHealthResponse;
}
