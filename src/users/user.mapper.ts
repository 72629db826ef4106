import type { UserResponse } from './dto/user.dto.js';
import type { UserEntity } from './user.entity.js';

export const toUserResponse = (u: UserEntity): UserResponse => ({
  id: u.id,
  agencyId: u.agencyId,
  email: u.email,
  displayName: u.displayName,
  roles: [...u.roles].sort(),
  active: u.active,
  locked: u.lockedAt !== null,
  mustChangePassword: u.mustChangePassword,
  lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
  createdAt: u.createdAt.toISOString(),
  version: u.version,
});
