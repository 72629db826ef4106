import type { AgencyEntity } from './agency.entity.js';
import type { AgencyResponse } from './dto/agency.dto.js';

export const toAgencyResponse = (a: AgencyEntity): AgencyResponse => ({
  id: a.id,
  code: a.code,
  nameEn: a.nameEn,
  nameLo: a.nameLo,
  htcdsOrgType: a.htcdsOrgType,
  localType: a.localType,
  provinceCode: a.provinceCode,
  parentAgencyId: a.parentAgencyId,
  active: a.active,
  formalIdentificationAuthority: a.formalIdentificationAuthority,
  createdAt: a.createdAt.toISOString(),
  updatedAt: a.updatedAt.toISOString(),
  version: a.version,
});
